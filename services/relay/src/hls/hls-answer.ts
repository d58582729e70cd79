import { errorBody, OnairError } from '@onair/runtime';

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

/** A response: status, header fields (name, value) and body; the server adds Date, Content-Length, Connection. */
export interface HlsAnswer {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

/** Header lists by type, then cache, built once: every answer uses one of a few. */
const headerLists = new Map<string, Map<string, ReadonlyArray<readonly [string, string]>>>();

/** An answer that allows any origin (CORS, Fetch standard §3.2), so browser players on other origins read it. */
export function corsAnswer(status: number, type: string, cache: string, body: Buffer): HlsAnswer {
  let byCache = headerLists.get(type);
  if (!byCache) {
    byCache = new Map();
    headerLists.set(type, byCache);
  }
  let headers = byCache.get(cache);
  if (!headers) {
    headers = [
      ['content-type', type],
      ['cache-control', cache],
      ['access-control-allow-origin', '*'],
    ];
    byCache.set(cache, headers);
  }
  return { status, headers, body };
}

/** A 200 answer. */
export function okAnswer(type: string, cache: string, body: Buffer): HlsAnswer {
  return corsAnswer(200, type, cache, body);
}

/** The catalogue's status and body (`{ error, message, field? }`) for an error, never cached. */
export function errorAnswer(err: OnairError): HlsAnswer {
  const body = Buffer.from(JSON.stringify(errorBody(err.code, err.message, err.field)));
  return corsAnswer(err.httpStatus, 'application/json; charset=utf-8', 'no-store', body);
}

/** 404 NOT_FOUND naming what was not found. */
export function notFoundAnswer(what: string): HlsAnswer {
  return errorAnswer(new OnairError('NOT_FOUND', `${what} not found`));
}

/** 500 INTERNAL for anything thrown that is not an OnairError (a bug), never detailed. */
export function internalAnswer(err: unknown): HlsAnswer {
  return errorAnswer(err instanceof OnairError ? err : new OnairError('INTERNAL', 'internal error', { cause: err }));
}
