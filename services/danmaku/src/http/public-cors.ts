import type { FastifyInstance } from 'fastify';

/** How long a browser may reuse a preflight answer, seconds (Chromium caps it at 7200). */
export const PREFLIGHT_MAX_AGE_S = 86_400;

/**
 * The paths of the danmaku service's public HTTP API that browsers on other origins call (fastify route syntax):
 * the replay API, its formats for players and tools, and DPlayer's read and write API.
 */
export const PUBLIC_API_PATHS: readonly string[] = [
  '/api/rooms/:room/danmaku',
  '/api/rooms/:room/danmaku.xml',
  '/api/rooms/:room/danmaku.artplayer.json',
  '/api/rooms/:room/danmaku.ass',
  '/dplayer/v3/',
];

/** The header fields of a CORS preflight answer (Fetch standard §3.2.3, "CORS-preflight fetch"). */
export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
};

/**
 * Answers CORS preflights (`OPTIONS`, Fetch standard §3.2.3) on each of `paths` with 204 and
 * {@link PREFLIGHT_HEADERS}: any origin may GET and POST with an `Authorization` (bearer token) and a JSON
 * `Content-Type`, so a player on another origin (DPlayer's `POST /dplayer/v3/`) can post. No credentials
 * (cookies) are allowed: the token is a header the page sets itself.
 * @param paths fastify route paths, e.g. {@link PUBLIC_API_PATHS}
 */
export function corsPreflight(paths: readonly string[]): (app: FastifyInstance) => void {
  return (app) => {
    for (const path of paths) {
      app.options(path, async (_req, reply) => reply.code(204).headers(PREFLIGHT_HEADERS).send());
    }
  };
}
