import type { LiveStream, RenditionWindow, Segment } from '@onair/media';
import { MONITORING_USER_AGENT } from '@onair/contracts';
import { OnairError } from '@onair/runtime';
import type { RelayMetrics } from '../telemetry/relay-metrics.js';
import { viewerKey, type ViewerTracker } from '../viewers/viewer-tracker.js';
import { blockingVerdict, parseDeliveryDirectives, type DeliveryDirectives } from './delivery-directives.js';
import {
  errorAnswer,
  internalAnswer,
  LL_PLAYLIST_CACHE,
  MEDIA_CACHE,
  MEDIA_TYPE,
  notFoundAnswer,
  okAnswer,
  PLAYLIST_CACHE,
  PLAYLIST_TYPE,
  type HlsAnswer,
} from './hls-answer.js';
import { renderMasterPlaylist, type MasterVariant } from './master-playlist.js';
import type { RoomStreams } from './room-streams.js';
import { parseRendition, parseRenditionFile, parseRoom, type RenditionFile } from './route-params.js';

/** Target durations a blocking request is held at most before 503 (rfc8216bis §6.2.5.2). */
export const HOLD_TARGETS = 3;
/** The metrics labels of the master playlist route and of every other HLS route. */
export const MASTER_ROUTE = '/hls/:room/:file';
export const RENDITION_ROUTE = '/hls/:room/:rendition/:file';

/** What the HLS handler reads of a request, whatever server received it. */
export interface HlsRequest {
  readonly method: string;
  /** Path and query, e.g. "/hls/demo/source/index.m3u8?_HLS_msn=4". */
  readonly target: string;
  readonly userAgent: string;
  readonly remoteAddress: string;
  /** One object per client connection, so its viewer key is hashed once per connection. */
  readonly connection: object;
}

/** What the HLS handler reads. */
export interface HlsHandlerDeps {
  streams: RoomStreams;
  viewers: ViewerTracker;
  metrics?: RelayMetrics | undefined;
}

type Answer = HlsAnswer;
type Maybe<T> = T | Promise<T>;

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

/** A blocking response names a fixed point of the stream: it may be cached by URL for six target durations. */
function blockedCache(window: RenditionWindow): string {
  return `public, max-age=${6 * window.targetDurationS()}`;
}

/** The query string's parameters, as the Delivery Directives parser reads them (a repeated name: an array). */
function queryOf(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    const seen = out[name];
    out[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return out;
}

function then<T, U>(value: Maybe<T>, next: (v: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/**
 * Serves HLS from the relay's streams (RFC 8216, draft-pantos-hls-rfc8216bis), for whichever server received the
 * request (the plain HTTP/1.1 one, or HTTP/2 over TLS): `/hls/<room>/master.m3u8`, `/hls/<room>/<rendition>/index.m3u8`
 * (with the Delivery Directives `_HLS_msn`, `_HLS_part`, `_HLS_skip`), `.../init-<id>.mp4` (id: the start of the
 * init's SHA-256), `.../seg-<sequence>.m4s` and `.../part-<part sequence>.m4s`, for GET and HEAD. A blocking
 * playlist request is held until the playlist has what it asks for, at most three target durations (then 503), and
 * answered 400 at once when it asks too far ahead; a request for the preload-hinted part is held until the part
 * exists. Segments and parts that slid out of the window, and their init segments, stay served while a playlist
 * that listed them may be in use (RFC 8216 §6.2.2, rfc8216bis §6.2.2). Every path parameter is checked against a
 * strict pattern and only looked up in memory, so no request can reach the filesystem. Each answered playlist or
 * media request counts its client as a viewer, except monitoring's (MONITORING_USER_AGENT: it reads keyframes for thumbnails). Errors carry the catalogue's status and body, uncached; every answer
 * allows any origin. Answers are synchronous unless the request waits (a held request, or the first one of a room an
 * on-demand relay does not follow yet).
 * @returns the handler: an answer, or undefined for a request that is not an HLS one (another method or path).
 */
export function createHlsHandler({
  streams,
  viewers,
  metrics,
}: HlsHandlerDeps): (req: HlsRequest) => Maybe<Answer> | undefined {
  const keys = new WeakMap<object, { userAgent: string; key: string }>();
  const seen = (req: HlsRequest, room: string, rendition?: string): void => {
    if (req.userAgent === MONITORING_USER_AGENT) return;
    let known = keys.get(req.connection);
    if (known?.userAgent !== req.userAgent) {
      known = { userAgent: req.userAgent, key: viewerKey(req.remoteAddress, req.userAgent) };
      keys.set(req.connection, known);
    }
    viewers.recordKey(room, known.key, rendition);
  };
  const streamOf = (room: string): Maybe<LiveStream | undefined> => streams.request(room) ?? streams.resolve(room);

  const master = (req: HlsRequest, room: string, stream: LiveStream | undefined): Answer => {
    if (!stream) return notFoundAnswer('playlist');
    seen(req, room);
    return okAnswer(PLAYLIST_TYPE, PLAYLIST_CACHE, Buffer.from(renderMasterPlaylist(variants(stream))));
  };

  const playlist = (req: HlsRequest, room: string, rendition: string, search: string): Maybe<Answer> => {
    let directives: DeliveryDirectives = {};
    try {
      if (search !== '') directives = parseDeliveryDirectives(queryOf(search));
    } catch (err) {
      return internalAnswer(err);
    }
    return then(playlistResponse(streams, room, rendition, directives), (result) => {
      if (result instanceof OnairError) return errorAnswer(result);
      seen(req, room, rendition);
      return okAnswer(PLAYLIST_TYPE, result.cache, result.bytes);
    });
  };

  const hintedPart = async (
    req: HlsRequest,
    room: string,
    stream: LiveStream,
    rendition: string,
    window: RenditionWindow,
    partSequence: number,
  ): Promise<Answer> => {
    const playlists = streams.playlists(stream);
    if (partSequence !== playlists.nextPartSequence(rendition)) return notFoundAnswer('part');
    const outcome = await playlists.waitFor(rendition, () => window.part(partSequence) !== undefined, holdMs(window));
    if (outcome === 'timeout')
      return errorAnswer(new OnairError('UNAVAILABLE', 'the hinted part did not arrive in time'));
    const part = window.part(partSequence);
    if (!part) return notFoundAnswer('part');
    seen(req, room, rendition);
    return okAnswer(MEDIA_TYPE, MEDIA_CACHE, part.data);
  };

  const renditionFile = (
    req: HlsRequest,
    room: string,
    rendition: string,
    file: RenditionFile,
    search: string,
    stream: LiveStream | undefined,
  ): Maybe<Answer> => {
    const window = stream?.window(rendition);
    if (!stream || !window) return notFoundAnswer('rendition file');
    if (file.kind === 'playlist') return playlist(req, room, rendition, search);
    let body: Buffer | undefined;
    if (file.kind === 'init') body = window.initById(file.id)?.data;
    else if (file.kind === 'segment') body = segmentBody(window.segment(file.sequence));
    else {
      body = window.part(file.partSequence)?.data;
      if (!body) return hintedPart(req, room, stream, rendition, window, file.partSequence);
    }
    if (!body) return notFoundAnswer(file.kind === 'init' ? 'init segment' : file.kind);
    seen(req, room, rendition);
    return okAnswer(MEDIA_TYPE, MEDIA_CACHE, body);
  };

  /** Counts the answer in the metrics once it is known. */
  const counted = (req: HlsRequest, route: string, made: Maybe<Answer>): Maybe<Answer> => {
    const count = (a: Answer): Answer => {
      metrics?.responded(route, a.status, req.method === 'HEAD' ? 0 : a.body.length);
      return a;
    };
    return made instanceof Promise ? made.then(count, (err: unknown) => count(internalAnswer(err))) : count(made);
  };

  return (req) => {
    const { target } = req;
    if (!target.startsWith('/hls/') || (req.method !== 'GET' && req.method !== 'HEAD')) return undefined;
    const at = target.indexOf('?');
    const path = (at < 0 ? target : target.slice(0, at)).split('/');
    const search = at < 0 ? '' : target.slice(at + 1);
    const room = parseRoom(path[2] ?? '');
    try {
      if (path.length === 4) {
        if (!room || path[3] !== 'master.m3u8') return counted(req, MASTER_ROUTE, notFoundAnswer('playlist'));
        return counted(
          req,
          MASTER_ROUTE,
          then(streamOf(room), (s) => master(req, room, s)),
        );
      }
      const rendition = parseRendition(path[3] ?? '');
      const file = parseRenditionFile(path[4] ?? '');
      if (path.length !== 5 || !room || !rendition || !file)
        return counted(req, RENDITION_ROUTE, notFoundAnswer('rendition file'));
      return counted(
        req,
        RENDITION_ROUTE,
        then(streamOf(room), (s) => renditionFile(req, room, rendition, file, search, s)),
      );
    } catch (err) {
      return counted(req, RENDITION_ROUTE, internalAnswer(err));
    }
  };
}

/**
 * The playlist a request gets, with its Cache-Control: at once without `_HLS_msn` (or once the stream ended:
 * §6.2.5.2 ignores the directives then); else held until the live edge satisfies it. A wait cut short because the
 * room's stream was replaced (an upstream re-subscribe, a new publish) goes on against the new stream for the time
 * left.
 * @returns the bytes, or OnairError INVALID_ARGUMENT (too far ahead, 400) / UNAVAILABLE (held too long, 503) /
 * NOT_FOUND (the stream is gone).
 */
function playlistResponse(
  streams: RoomStreams,
  room: string,
  rendition: string,
  directives: DeliveryDirectives,
  deadline?: number,
): Maybe<{ bytes: Buffer; cache: string } | OnairError> {
  const stream = streams.get(room);
  const window = stream?.window(rendition);
  if (!stream || !window) return new OnairError('NOT_FOUND', 'rendition file not found');
  const playlists = streams.playlists(stream);
  const { partTargetMs } = stream.info;
  const now = (cache: string): { bytes: Buffer; cache: string } | OnairError => {
    const bytes = playlists.playlist(rendition, directives.skip);
    return bytes ? { bytes, cache } : new OnairError('NOT_FOUND', 'rendition file not found');
  };
  if (partTargetMs <= 0) return now(PLAYLIST_CACHE);
  if (directives.msn === undefined || stream.ended !== undefined) return now(LL_PLAYLIST_CACHE);
  const verdict = (): ReturnType<typeof blockingVerdict> | undefined => {
    const edge = playlists.edge(rendition);
    return edge && blockingVerdict(directives, edge, partTargetMs);
  };
  const first = verdict();
  if (first === 'too-far')
    return new OnairError('INVALID_ARGUMENT', 'the requested part is too far ahead of the playlist', {
      field: '_HLS_msn',
    });
  if (first === 'ready') return now(blockedCache(window));
  const until = deadline ?? Date.now() + holdMs(window);
  return playlists
    .waitFor(rendition, () => verdict() === 'ready', Math.max(0, until - Date.now()))
    .then((outcome) => {
      if (outcome === 'ready') return now(blockedCache(window));
      if (outcome === 'timeout')
        return new OnairError('UNAVAILABLE', 'the playlist did not reach the requested part in time');
      if (streams.get(room) === stream) return now(blockedCache(window));
      return playlistResponse(streams, room, rendition, directives, until);
    });
}
