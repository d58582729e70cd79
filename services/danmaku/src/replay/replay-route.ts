import type { FastifyInstance } from 'fastify';
import { OnairError } from '@onair/runtime';
import type { ReplayDanmaku } from './replay-danmaku.js';

/** The replay's query string as fastify parses it: a repeated parameter is an array. */
type ReplayQueryString = Partial<Record<'publish' | 'fromMs' | 'toMs' | 'after' | 'limit', string | string[]>>;

/** A query parameter given once, else undefined. @throws OnairError INVALID_ARGUMENT when repeated */
export function single(value: string | string[] | undefined, field: string): string | undefined {
  if (Array.isArray(value)) throw new OnairError('INVALID_ARGUMENT', `${field} must be given once`, { field });
  return value === '' ? undefined : value;
}

/** A decimal integer parameter. @throws OnairError INVALID_ARGUMENT naming `field` */
function integer(value: string | string[] | undefined, field: string): number | undefined {
  const text = single(value, field);
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text))
    throw new OnairError('INVALID_ARGUMENT', `${field} must be a non-negative integer`, { field });
  return Number(text);
}

/**
 * `GET /api/rooms/<room>/danmaku?publish=<id>&fromMs=&toMs=&after=&limit=`: a page of a publish's danmaku by stream
 * time, `{"items":[danmaku…],"next":cursor|null}` (plus `"truncated":true` when the read hit its bound), answered
 * with `access-control-allow-origin: *` (the danmaku are public, as ListDanmaku is) so players on other origins
 * read it. Errors take the one HTTP error path: 400 INVALID_ARGUMENT naming the parameter, 404 NOT_FOUND for an
 * unknown publish.
 */
export function replayRoute(replay: ReplayDanmaku): (app: FastifyInstance) => void {
  return (app) => {
    app.get<{ Params: { room: string }; Querystring: ReplayQueryString }>(
      '/api/rooms/:room/danmaku',
      async (req, reply) => {
        const q = req.query;
        const publishId = single(q.publish, 'publish');
        if (publishId === undefined)
          throw new OnairError('INVALID_ARGUMENT', 'publish is required', { field: 'publish' });
        const page = await replay(req.params.room, publishId, {
          fromMs: integer(q.fromMs, 'fromMs'),
          toMs: integer(q.toMs, 'toMs'),
          after: single(q.after, 'after'),
          limit: integer(q.limit, 'limit'),
        });
        void reply.header('cache-control', 'no-store');
        return { items: page.items, next: page.next, ...(page.truncated ? { truncated: true } : {}) };
      },
    );
  };
}
