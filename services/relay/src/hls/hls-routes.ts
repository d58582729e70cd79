import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LiveStream, RenditionWindow, Segment } from '@onair/media';
import { OnairError, replyError } from '@onair/runtime';
import type { ViewerTracker } from '../viewers/viewer-tracker.js';
import { renderMasterPlaylist, type MasterVariant } from './master-playlist.js';
import { renderMediaPlaylist } from './media-playlist.js';
import type { RoomStreams } from './room-streams.js';
import { parseRendition, parseRenditionFile, parseRoom } from './route-params.js';

/** Playlists (RFC 8216 §4): the standard media type. */
export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
/** Init and media segments: `video/mp4`, the type every player accepts for fMP4 (ISO/IEC 14496-12). */
export const MEDIA_TYPE = 'video/mp4';
/** Playlists change with every segment: players may reuse one for a second at most. */
export const PLAYLIST_CACHE = 'max-age=1';
/** An init segment or a segment never changes once its URI exists. */
export const MEDIA_CACHE = 'public, max-age=3600, immutable';

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

function mediaPlaylist(stream: LiveStream, window: RenditionWindow): string {
  return renderMediaPlaylist({
    segments: window.completeSegments(),
    mediaSequence: window.mediaSequence(),
    discontinuitySequence: window.discontinuitySequence(),
    targetDurationS: window.targetDurationS(),
    ended: stream.ended !== undefined,
  });
}

/**
 * Serves HLS from the relay's streams (RFC 8216): `/hls/<room>/master.m3u8`,
 * `/hls/<room>/<rendition>/index.m3u8`, `.../init-<id>.mp4` (id: the start of the init's SHA-256) and
 * `.../seg-<sequence>.m4s`. Segments that slid out of the window, and their init segments, stay served for as
 * long as a playlist that listed them may be in use (RFC 8216 §6.2.2). Every path parameter is checked against
 * a strict pattern and only looked up in memory, so no request can reach the filesystem. Each answered
 * playlist or segment counts its client as a viewer of the room.
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

  app.get<{ Params: RenditionParams }>('/hls/:room/:rendition/:file', async (req, reply) => {
    const room = parseRoom(req.params.room);
    const rendition = parseRendition(req.params.rendition);
    const file = parseRenditionFile(req.params.file);
    const stream = room === undefined ? undefined : streams.get(room);
    const window = rendition === undefined ? undefined : stream?.window(rendition);
    if (!room || !stream || !window || !file) return notFound(reply, 'rendition file');
    if (file.kind === 'playlist') {
      seen(req, room);
      return reply.type(PLAYLIST_TYPE).header('cache-control', PLAYLIST_CACHE).send(mediaPlaylist(stream, window));
    }
    const body = file.kind === 'init' ? window.initById(file.id)?.data : segmentBody(window.segment(file.sequence));
    if (!body) return notFound(reply, file.kind === 'init' ? 'init segment' : 'segment');
    seen(req, room);
    return reply.type(MEDIA_TYPE).header('cache-control', MEDIA_CACHE).send(body);
  });
}
