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
 * CORS for the public API (Fetch standard §3.2): every answer on one of `paths`, the errors included, carries
 * `access-control-allow-origin: *`, so a player on another origin reads the danmaku and the error it got; and CORS
 * preflights (`OPTIONS`, §3.2.3) on them are answered with 204 and {@link PREFLIGHT_HEADERS}: any origin may GET and
 * POST with an `Authorization` (bearer token) and a JSON `Content-Type`, so a player on another origin (DPlayer's
 * `POST /dplayer/v3/`) can post. No credentials (cookies) are allowed: the token is one the page sends itself.
 * Register it before the routes of `paths`, so their answers pass its hook.
 * @param paths fastify route paths, e.g. {@link PUBLIC_API_PATHS}
 */
export function publicCors(paths: readonly string[]): (app: FastifyInstance) => void {
  const publicPaths = new Set(paths);
  return (app) => {
    app.addHook('onSend', async (req, reply, payload) => {
      if (publicPaths.has(req.routeOptions.url ?? '')) void reply.header('access-control-allow-origin', '*');
      return payload;
    });
    for (const path of paths) {
      app.options(path, async (_req, reply) => reply.code(204).headers(PREFLIGHT_HEADERS).send());
    }
  };
}
