import { MONITORING_USER_AGENT, ROOM_ID_PATTERN } from '@onair/contracts';
import { fetchCapped } from './fetch-capped.js';
import { pickThumbnailSource } from './thumbnail-source.js';

/** A rendition name in a relay URL (as the relay's route parameters take it). */
const RENDITION_PATTERN = /^[a-z0-9_-]{1,32}$/;

/** Options of {@link fetchKeyframeMedia}. */
export interface RelayMediaOptions {
  /** The relay's base URL, e.g. http://127.0.0.1:8080. */
  relayUrl: URL;
  /** Rendition to read, e.g. "source". */
  rendition: string;
  /** Deadline of each request, ms. */
  timeoutMs: number;
  /** Largest playlist, init section or media read, bytes. */
  maxBytes: number;
  /** Ends the requests early (a stopping service). */
  signal: AbortSignal;
}

/** The relay has no picture of the room to give yet: no playlist, or a playlist without media. */
export class NoMediaError extends Error {
  override readonly name = 'NoMediaError';
}

/**
 * Reads a room's latest keyframe from the relay's LL-HLS: the rendition's media playlist
 * (`/hls/<room>/<rendition>/index.m3u8`), then the init section (EXT-X-MAP) and the media {@link pickThumbnailSource}
 * chooses in it (the latest independent part, or the latest segment), resolved against the playlist's URL.
 * @returns init section and media concatenated: an fMP4 file whose first video sample is a keyframe.
 * @throws NoMediaError when the playlist is missing or lists no media; FetchCappedError when a request fails;
 *   RangeError when `room` is not a room id (ROOM_ID_PATTERN) or `rendition` not a rendition name.
 */
export async function fetchKeyframeMedia(
  room: string,
  { relayUrl, rendition, timeoutMs, maxBytes, signal }: RelayMediaOptions,
): Promise<Buffer> {
  if (!ROOM_ID_PATTERN.test(room)) throw new RangeError(`not a room id: ${JSON.stringify(room)}`);
  if (!RENDITION_PATTERN.test(rendition)) throw new RangeError(`not a rendition name: ${JSON.stringify(rendition)}`);
  const playlistUrl = new URL(`hls/${room}/${rendition}/index.m3u8`, withSlash(relayUrl));
  const get = (url: URL) => fetchCapped(url, { maxBytes, timeoutMs, userAgent: MONITORING_USER_AGENT, signal });
  const playlist = await get(playlistUrl).catch((err: unknown) => {
    throw new NoMediaError(`no playlist: ${(err as Error).message}`, { cause: err });
  });
  const source = pickThumbnailSource(playlist.toString('utf8'));
  if (!source) throw new NoMediaError('the playlist lists no fMP4 media yet');
  const [init, media] = await Promise.all([
    get(new URL(source.initUri, playlistUrl)),
    get(new URL(source.mediaUri, playlistUrl)),
  ]);
  return Buffer.concat([init, media]);
}

/** `url` ending in "/", so relative paths resolve under it (a relay behind a path prefix). */
function withSlash(url: URL): URL {
  return url.pathname.endsWith('/') ? url : new URL(`${url.href}/`);
}
