import type { FastifyInstance, FastifyReply } from 'fastify';
import { OnairError } from '@onair/runtime';
import { artplayerItems } from '../formats/artplayer.js';
import { assExport } from '../formats/ass-export.js';
import { bilibiliXml } from '../formats/bilibili-xml.js';
import { dplayerAnswer } from '../formats/dplayer-answer.js';
import type { ReplayItem } from '../formats/replay-item.js';
import { REPLAY_MAX_LIMIT, type ReplayDanmaku } from './replay-danmaku.js';
import { single } from './replay-route.js';

/**
 * Most danmaku a format route answers for one publish (pages of {@link REPLAY_MAX_LIMIT}, each a full read of the
 * publish, so the bound also bounds the reads); past it the answer holds the earliest ones by stream time.
 */
export const FORMAT_MAX_DANMAKU = 10_000;

/**
 * All danmaku of a publish, oldest first by stream time, read page by page through `replay` up to
 * {@link FORMAT_MAX_DANMAKU}.
 * @throws OnairError as {@link ReplayDanmaku} (INVALID_ARGUMENT naming `room` or `publish`, NOT_FOUND)
 */
export async function publishDanmaku(replay: ReplayDanmaku, room: string, publishId: string): Promise<ReplayItem[]> {
  const items: ReplayItem[] = [];
  let after: string | undefined;
  do {
    const page = await replay(room, publishId, { after, limit: REPLAY_MAX_LIMIT });
    items.push(...page.items);
    after = page.next ?? undefined;
  } while (after !== undefined && items.length < FORMAT_MAX_DANMAKU);
  return items.slice(0, FORMAT_MAX_DANMAKU);
}

type PublishQuery = { Params: { room: string }; Querystring: Partial<Record<'publish', string | string[]>> };

/** The required `publish` parameter. @throws OnairError INVALID_ARGUMENT naming `publish` */
function publishOf(value: string | string[] | undefined): string {
  const publishId = single(value, 'publish');
  if (publishId === undefined) throw new OnairError('INVALID_ARGUMENT', 'publish is required', { field: 'publish' });
  return publishId;
}

/** DPlayer's `id=<room>.<publishId>` split in two. @throws OnairError INVALID_ARGUMENT naming `id` */
function dplayerId(value: string | string[] | undefined): { room: string; publishId: string } {
  const id = single(value, 'id');
  const dot = id?.indexOf('.') ?? -1;
  if (id === undefined || dot < 1)
    throw new OnairError('INVALID_ARGUMENT', 'id must be <room>.<publishId>', { field: 'id' });
  return { room: id.slice(0, dot), publishId: id.slice(dot + 1) };
}

/** Public, uncached answer headers, as the replay route's. */
function publicAnswer(reply: FastifyReply, contentType?: string): FastifyReply {
  void reply.header('cache-control', 'no-store');
  return contentType === undefined ? reply : reply.type(contentType);
}

/**
 * A publish's danmaku in the formats players and tools read (danmaku-formats.md §3), each answered with
 * `access-control-allow-origin: *` like the replay route, errors through the one HTTP error path (400
 * INVALID_ARGUMENT naming the parameter, 404 NOT_FOUND for an unknown publish):
 * - `GET /dplayer/v3/?id=<room>.<publishId>` → `{"code":0,"data":[[timeS,type,color,author,text],…]}`;
 * - `GET /api/rooms/<room>/danmaku.xml?publish=<id>` → Bilibili XML (`application/xml; charset=utf-8`);
 * - `GET /api/rooms/<room>/danmaku.artplayer.json?publish=<id>` → artplayer-plugin-danmuku items;
 * - `GET /api/rooms/<room>/danmaku.ass?publish=<id>` → ASS script (`text/x-ssa; charset=utf-8`, as an attachment
 *   named `<room>-<publishId>.ass`).
 * Each holds up to {@link FORMAT_MAX_DANMAKU} danmaku, oldest first by stream time.
 */
export function formatRoutes(replay: ReplayDanmaku): (app: FastifyInstance) => void {
  return (app) => {
    app.get<{ Querystring: Partial<Record<'id', string | string[]>> }>('/dplayer/v3/', async (req, reply) => {
      const { room, publishId } = dplayerId(req.query.id);
      const items = await publishDanmaku(replay, room, publishId);
      publicAnswer(reply);
      return dplayerAnswer(items);
    });
    app.get<PublishQuery>('/api/rooms/:room/danmaku.xml', async (req, reply) => {
      const publishId = publishOf(req.query.publish);
      const items = await publishDanmaku(replay, req.params.room, publishId);
      publicAnswer(reply, 'application/xml; charset=utf-8');
      return bilibiliXml(items, `${req.params.room}.${publishId}`);
    });
    app.get<PublishQuery>('/api/rooms/:room/danmaku.artplayer.json', async (req, reply) => {
      const items = await publishDanmaku(replay, req.params.room, publishOf(req.query.publish));
      publicAnswer(reply);
      return artplayerItems(items);
    });
    app.get<PublishQuery>('/api/rooms/:room/danmaku.ass', async (req, reply) => {
      const publishId = publishOf(req.query.publish);
      const items = await publishDanmaku(replay, req.params.room, publishId);
      publicAnswer(reply, 'text/x-ssa; charset=utf-8').header(
        'content-disposition',
        `attachment; filename="${req.params.room}-${publishId}.ass"`,
      );
      return assExport(items).ass;
    });
  };
}
