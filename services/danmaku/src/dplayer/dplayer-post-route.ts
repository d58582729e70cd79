import type { FastifyInstance } from 'fastify';
import { wallClockAt } from '@onair/contracts';
import { identityAllowsRoom, posterOf, unwrap, type RoutesCore } from '@onair/realtime';
import { OnairError } from '@onair/runtime';
import type { Danmaku, DanmakuPost } from '../danmaku/danmaku-kind.js';
import type { LiveClock } from '../danmaku/live-clock.js';
import { dplayerAnswer, type DplayerDanmaku } from '../formats/dplayer-answer.js';
import { parseDplayerPost } from '../formats/dplayer-post.js';

/** The answer of DPlayer v3's write API: the saved danmaku as the read API gives it. */
export interface DplayerPostAnswer {
  readonly code: 0;
  readonly data: DplayerDanmaku;
}

/**
 * `POST /dplayer/v3/` (DPlayer's `send`, danmaku-formats.md §3.4): JSON `{id:"<room>.<publishId>", time (s), text,
 * color, type}` with the viewer token only in `Authorization: Bearer <token>`. The post goes through the core's
 * posting path as a socket's does (the token's identity and room, moderation, limits), with the playhead at which
 * the live publish shows stream time `time` (`wallClockAt` of @onair/contracts: `startedAtMs + time` until the
 * publisher's first reconnect), so the stream time of the danmaku is `time` when the playhead is plausible. Answers `{"code":0,"data":[timeS,type,color,author,text]}` with
 * `access-control-allow-origin: *`; errors through the one HTTP error path: 401 UNAUTHENTICATED without a good
 * token (or when the service takes none), 400 INVALID_ARGUMENT naming the field, 403 when the token is not good
 * for the room or the poster is banned, 409 NOT_LIVE when `id` names a publish that is not the room's live one,
 * 429 on limits.
 * @param clock the rooms' live publishes
 * @param maxTextLength the longest danmaku text, characters
 */
export function dplayerPostRoute(
  clock: LiveClock,
  maxTextLength: number,
): (app: FastifyInstance, core: RoutesCore<DanmakuPost, Danmaku>) => void {
  return (app, { messages, verifier }) => {
    app.post('/dplayer/v3/', async (req, reply): Promise<DplayerPostAnswer> => {
      const post = unwrap(parseDplayerPost(req.body, req.headers.authorization, maxTextLength));
      if (verifier === undefined) throw new OnairError('UNAUTHENTICATED', 'this service takes no viewer tokens');
      const identity = await verifier.verify(post.token);
      if (!identityAllowsRoom(identity, post.room))
        throw new OnairError('PERMISSION_DENIED', 'the token is not good for this room');
      const receivedAtMs = Date.now();
      const live = clock.publish(post.room, receivedAtMs);
      if (live === undefined || live.publishId !== post.publishId)
        throw new OnairError('NOT_LIVE', 'the publish is not the live one of the room');
      const fields = { ...post.post, playheadMs: wallClockAt(live, post.streamTimeMs) };
      const posted = unwrap(await messages.post({ room: post.room, poster: posterOf(identity), fields, receivedAtMs }));
      void reply.header('cache-control', 'no-store');
      const [data] = dplayerAnswer([{ ...posted, seq: 0 }]).data;
      if (data === undefined) throw new OnairError('INTERNAL', 'no DPlayer danmaku for the posted one');
      return { code: 0, data };
    });
  };
}
