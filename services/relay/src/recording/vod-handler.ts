import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PUBLISH_ID_PATTERN, ROOM_ID_PATTERN } from '@onair/contracts';
import { OnairError } from '@onair/runtime';
import {
  corsAnswer,
  errorAnswer,
  internalAnswer,
  MEDIA_CACHE,
  MEDIA_TYPE,
  notFoundAnswer,
  okAnswer,
  PLAYLIST_CACHE,
  PLAYLIST_TYPE,
  type HlsAnswer,
} from '../hls/hls-answer.js';
import { subdirs } from './close-open.js';
import {
  INIT_FILE,
  MASTER_PLAYLIST,
  MEDIA_PLAYLIST,
  RENDITION_DIR,
  SEGMENT_FILE,
  readMeta,
} from './recording-files.js';

/** The metrics labels of the VOD routes and of the listing. */
export const VOD_ROUTE = '/vod/:room/:publishId/*';
export const RECORDINGS_ROUTE = '/api/recordings';

/** One recording as `GET /api/recordings` lists it. */
export interface RecordingListing {
  readonly room: string;
  readonly publishId: string;
  /** When the publish started, unix epoch ms. */
  readonly startedAtMs: number;
  /** Media duration, ms; null while the publish is being recorded. */
  readonly durationMs: number | null;
  /** Path of its master playlist on this relay: `/vod/<room>/<publishId>/master.m3u8`. */
  readonly master: string;
}

/** An answer of the VOD handler and the route it counts under. */
export interface VodAnswer {
  readonly route: string;
  readonly answer: Promise<HlsAnswer>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The file a VOD path names, relative to the recordings directory; undefined for anything else. */
function vodFile(path: string): { file: string; playlist: boolean } | undefined {
  const parts = path.split('/');
  const [room, publishId, ...rest] = parts;
  if (!room || !publishId || !ROOM_ID_PATTERN.test(room) || !PUBLISH_ID_PATTERN.test(publishId)) return undefined;
  if (rest.length === 1 && rest[0] === MASTER_PLAYLIST)
    return { file: join(room, publishId, MASTER_PLAYLIST), playlist: true };
  const [rendition, name] = rest;
  if (rest.length !== 2 || !rendition || !name || !RENDITION_DIR.test(rendition)) return undefined;
  if (name === MEDIA_PLAYLIST) return { file: join(room, publishId, rendition, name), playlist: true };
  if (INIT_FILE.test(name) || SEGMENT_FILE.test(name))
    return { file: join(room, publishId, rendition, name), playlist: false };
  return undefined;
}

/** The recordings of `room` under `dir`, newest first (by start). */
export async function listRecordings(dir: string, room: string): Promise<RecordingListing[]> {
  const out: RecordingListing[] = [];
  for (const publishId of await subdirs(join(dir, room), PUBLISH_ID_PATTERN)) {
    const meta = await readMeta(join(dir, room, publishId));
    if (!meta) continue;
    out.push({
      room,
      publishId,
      startedAtMs: meta.startedAtMs,
      durationMs: meta.durationMs ?? null,
      master: `/vod/${room}/${publishId}/${MASTER_PLAYLIST}`,
    });
  }
  return out.sort((a, b) => b.startedAtMs - a.startedAtMs || (a.publishId < b.publishId ? 1 : -1));
}

async function serveFile(dir: string, file: string, playlist: boolean): Promise<HlsAnswer> {
  try {
    const body = await readFile(join(dir, file));
    return playlist ? okAnswer(PLAYLIST_TYPE, PLAYLIST_CACHE, body) : okAnswer(MEDIA_TYPE, MEDIA_CACHE, body);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? notFoundAnswer('recording file') : internalAnswer(err);
  }
}

async function serveListing(dir: string, search: string): Promise<HlsAnswer> {
  const room = new URLSearchParams(search).get('room') ?? '';
  if (!ROOM_ID_PATTERN.test(room)) {
    return errorAnswer(new OnairError('INVALID_ARGUMENT', 'room must be a room id', { field: 'room' }));
  }
  const body = Buffer.from(JSON.stringify(await listRecordings(dir, room)));
  return corsAnswer(200, JSON_TYPE, 'no-store', body);
}

/**
 * Serves the recordings under `dir` for GET and HEAD: `/vod/<room>/<publishId>/master.m3u8`, `.../<rendition>/index.m3u8`
 * (EVENT while recorded, VOD with EXT-X-ENDLIST once finished; `application/vnd.apple.mpegurl`), `.../init-<n>.mp4`
 * and `.../seg-<n>.m4s` (immutable), and `/api/recordings?room=<room>` (JSON, newest first, see
 * {@link RecordingListing}; 400 INVALID_ARGUMENT for a missing or invalid room). The path is never decoded: each
 * segment must match the room id, publish id (UUID) or rendition pattern or be one of the fixed file names, so no
 * request names a file outside the recordings directory (`..`, `%2F`, `%2e%2e`, absolute paths are 404).
 * @returns the handler: an answer, or undefined for a request that is not a VOD one (another method or path).
 */
export function createVodHandler(dir: string): (req: { method: string; target: string }) => VodAnswer | undefined {
  return ({ method, target }) => {
    if (method !== 'GET' && method !== 'HEAD') return undefined;
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const search = q < 0 ? '' : target.slice(q + 1);
    if (path === RECORDINGS_ROUTE) return { route: RECORDINGS_ROUTE, answer: serveListing(dir, search) };
    if (!path.startsWith('/vod/')) return undefined;
    const file = vodFile(path.slice('/vod/'.length));
    const answer = file ? serveFile(dir, file.file, file.playlist) : Promise.resolve(notFoundAnswer('recording file'));
    return { route: VOD_ROUTE, answer };
  };
}
