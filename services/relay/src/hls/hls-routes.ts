import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LiveStream, RenditionWindow, Segment } from '@onair/media';
import { OnairError, replyError } from '@onair/runtime';
import type { ViewerTracker } from '../viewers/viewer-tracker.js';
import { blockingVerdict, parseDeliveryDirectives, type DeliveryDirectives } from './delivery-directives.js';
import { renderMasterPlaylist, type MasterVariant } from './master-playlist.js';
import type { RoomStreams } from './room-streams.js';
import { parseRendition, parseRenditionFile, parseRoom } from './route-params.js';
import type { StreamPlaylists } from './stream-playlists.js';

/** Playlists (RFC 8216 §4): the standard media type. */
export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
/** Init and media segments: `video/mp4`, the type every player accepts for fMP4 (ISO/IEC 14496-12). */
export const MEDIA_TYPE = 'video/mp4';
/** A playlist of a stream without parts changes with every segment: reused for a second at most. */
export const PLAYLIST_CACHE = 'max-age=1';
/** A low-latency playlist changes with every part: not reused (half a part duration rounds to 0 s). */
export const LL_PLAYLIST_CACHE = 'public, max-age=0';
/** An init segment, a segment or a part never changes once its URI exists. */
export const MEDIA_CACHE = 'public, max-age=3600, immutable';
/** Target durations a blocking request is held at most before 503 (rfc8216bis §6.2.5.2). */
export const HOLD_TARGETS = 3;

/** What the HLS routes read. */
export interface HlsRoutesDeps {
  streams: RoomStreams;
  viewers: ViewerTracker;
}

type RoomParams = { room: string; file: string };
type RenditionParams = { room: string; rendition: string; file: string };

/** Concatenated part bytes (moof+mdat…) per complete segment, built once per segment. */
const segmentBodies = new WeakMap<Segment, Buffer>();

function segmentBody(seg: Segment | undefined): Buffer | undefined {
  if (!seg) return undefined;
  let body = segmentBodies.get(seg);
  if (!body) {
    body = Buffer.concat(seg.parts.map((p) => p.data));
    segmentBodies.set(seg, body);
  }
  return body;
}

/** Answers 404 NOT_FOUND; the no-store header is set for every error by the server's hook. */
export function notFound(reply: FastifyReply, what: string): FastifyReply {
  return replyError(reply, new OnairError('NOT_FOUND', `${what} not found`));
}

function variants(stream: LiveStream): MasterVariant[] {
  return stream.info.renditions.map((r) => {
    const stats = stream.window(r.name)?.stats() ?? { averageBitrate: 0, peakBitrate: 0, fps: 0 };
    return {
      name: r.name,
      nominalBandwidth: r.bandwidth,
      peakBitrate: stats.peakBitrate,
      averageBitrate: stats.averageBitrate,
      width: r.width,
      height: r.height,
      codecs: r.codecs,
      frameRate: r.frameRate || stats.fps,
    };
  });
}

/** How long a request waiting on `window` may be held: three target durations (rfc8216bis §6.2.5.2), ms. */
function holdMs(window: RenditionWindow): number {
  return HOLD_TARGETS * window.targetDurationS() * 1000;
}

/**
 * Serves HLS from the relay's streams (RFC 8216, draft-pantos-hls-rfc8216bis): `/hls/<room>/master.m3u8`,
 * `/hls/<room>/<rendition>/index.m3u8` (with the Delivery Directives `_HLS_msn`, `_HLS_part`, `_HLS_skip`),
 * `.../init-<id>.mp4` (id: the start of the init's SHA-256), `.../seg-<sequence>.m4s` and
 * `.../part-<part sequence>.m4s`. A blocking playlist request is held until the playlist has what it asks for,
 * at most three target durations (then 503), and answered 400 at once when it asks too far ahead; a request for
 * the preload-hinted part is held until the part exists. Segments and parts that slid out of the window, and
 * their init segments, stay served while a playlist that listed them may be in use (RFC 8216 §6.2.2,
 * rfc8216bis §6.2.2). Every path parameter is checked against a strict pattern and only looked up in memory, so
 * no request can reach the filesystem. Each answered playlist or media request counts its client as a viewer.
 */
export function registerHlsRoutes(app: FastifyInstance, { streams, viewers }: HlsRoutesDeps): void {
  const seen = (req: FastifyRequest, room: string): void =>
    viewers.record(room, req.ip, req.headers['user-agent'] ?? '');

  app.get<{ Params: RoomParams }>('/hls/:room/:file', async (req, reply) => {
    const room = parseRoom(req.params.room);
    const stream = room === undefined ? undefined : streams.get(room);
    if (!room || !stream || req.params.file !== 'master.m3u8') return notFound(reply, 'playlist');
    seen(req, room);
    return reply
      .type(PLAYLIST_TYPE)
      .header('cache-control', PLAYLIST_CACHE)
      .send(renderMasterPlaylist(variants(stream)));
  });

  app.get<{ Params: RenditionParams; Querystring: Record<string, unknown> }>(
    '/hls/:room/:rendition/:file',
    async (req, reply) => {
      const room = parseRoom(req.params.room);
      const rendition = parseRendition(req.params.rendition);
      const file = parseRenditionFile(req.params.file);
      const stream = room === undefined ? undefined : streams.get(room);
      const window = rendition === undefined ? undefined : stream?.window(rendition);
      if (!room || !rendition || !stream || !window || !file) return notFound(reply, 'rendition file');
      if (file.kind === 'playlist') {
        let directives: DeliveryDirectives;
        try {
          directives = parseDeliveryDirectives(req.query);
        } catch (err) {
          if (err instanceof OnairError) return replyError(reply, err);
          throw err;
        }
        const answered = await playlistResponse(streams, room, rendition, directives);
        if (answered instanceof OnairError) return replyError(reply, answered);
        seen(req, room);
        const cache = answered.lowLatency
          ? directives.msn === undefined
            ? LL_PLAYLIST_CACHE
            : blockedCache(window)
          : PLAYLIST_CACHE;
        return reply.type(PLAYLIST_TYPE).header('cache-control', cache).send(answered.bytes);
      }
      let body: Buffer | OnairError | undefined;
      if (file.kind === 'init') body = window.initById(file.id)?.data;
      else if (file.kind === 'segment') body = segmentBody(window.segment(file.sequence));
      else body = await partBody(streams.playlists(stream), rendition, window, file.partSequence);
      if (body instanceof OnairError) return replyError(reply, body);
      if (!body) return notFound(reply, file.kind === 'init' ? 'init segment' : file.kind);
      seen(req, room);
      return reply.type(MEDIA_TYPE).header('cache-control', MEDIA_CACHE).send(body);
    },
  );
}

/** A blocking response names a fixed point of the stream: it may be cached by URL for six target durations. */
function blockedCache(window: RenditionWindow): string {
  return `public, max-age=${6 * window.targetDurationS()}`;
}

/**
 * The playlist a request gets: at once without `_HLS_msn` (or once the stream ended: §6.2.5.2 ignores the
 * directives then); else held until the live edge satisfies it. A wait cut short because the room's stream was
 * replaced (an upstream re-subscribe, a new publish) goes on against the new stream for the time left.
 * @returns the bytes, or OnairError INVALID_ARGUMENT (too far ahead, 400) / UNAVAILABLE (held too long, 503).
 */
async function playlistResponse(
  streams: RoomStreams,
  room: string,
  rendition: string,
  directives: DeliveryDirectives,
): Promise<{ bytes: Buffer; lowLatency: boolean } | OnairError> {
  let deadline: number | undefined;
  for (;;) {
    const stream = streams.get(room);
    const window = stream?.window(rendition);
    if (!stream || !window) return new OnairError('NOT_FOUND', 'rendition file not found');
    const playlists = streams.playlists(stream);
    const { partTargetMs } = stream.info;
    const lowLatency = partTargetMs > 0;
    const answer = (): { bytes: Buffer; lowLatency: boolean } | OnairError => {
      const bytes = playlists.playlist(rendition, directives.skip);
      return bytes ? { bytes, lowLatency } : new OnairError('NOT_FOUND', 'rendition file not found');
    };
    if (!lowLatency || directives.msn === undefined || stream.ended !== undefined) return answer();
    const edge = (): ReturnType<StreamPlaylists['edge']> => playlists.edge(rendition);
    const verdict = (): ReturnType<typeof blockingVerdict> | undefined => {
      const e = edge();
      return e && blockingVerdict(directives, e, partTargetMs);
    };
    if (verdict() === 'too-far')
      return new OnairError('INVALID_ARGUMENT', 'the requested part is too far ahead of the playlist', {
        field: '_HLS_msn',
      });
    deadline ??= Date.now() + holdMs(window);
    const outcome = await playlists.waitFor(rendition, () => verdict() === 'ready', Math.max(0, deadline - Date.now()));
    if (outcome === 'ready') return answer();
    if (outcome === 'timeout')
      return new OnairError('UNAVAILABLE', 'the playlist did not reach the requested part in time');
    if (streams.get(room) === stream) return answer();
  }
}

/**
 * A part's bytes: at once when the window has it; the preload-hinted next part is held until it exists, at most
 * three target durations (then 503); a part never hinted, or one the stream ended without, is 404.
 */
async function partBody(
  playlists: StreamPlaylists,
  rendition: string,
  window: RenditionWindow,
  partSequence: number,
): Promise<Buffer | OnairError | undefined> {
  const part = window.part(partSequence);
  if (part) return part.data;
  if (partSequence !== playlists.nextPartSequence(rendition)) return undefined;
  const outcome = await playlists.waitFor(rendition, () => window.part(partSequence) !== undefined, holdMs(window));
  if (outcome === 'timeout') return new OnairError('UNAVAILABLE', 'the hinted part did not arrive in time');
  return window.part(partSequence)?.data;
}
