import { onair, type danmaku } from '@onair/proto';
import { unary } from '@onair/grpc-kit';
import { grpcPoster, unwrap, type GrpcCore, type GrpcServiceOf } from '@onair/realtime';
import type { Logger } from '@onair/runtime';
import type { Danmaku, DanmakuMode, DanmakuPost } from '../danmaku/danmaku-kind.js';

/** ListDanmaku's limit when the request says 0. */
export const DEFAULT_LIST_LIMIT = 50;

const TO_PROTO = { scroll: 'MODE_SCROLL', top: 'MODE_TOP', bottom: 'MODE_BOTTOM' } as const satisfies Record<
  DanmakuMode,
  string
>;

const FROM_PROTO: Record<danmaku.Mode__Output, DanmakuMode | undefined> = {
  MODE_UNSPECIFIED: undefined,
  MODE_SCROLL: 'scroll',
  MODE_TOP: 'top',
  MODE_BOTTOM: 'bottom',
};

/** onair.danmaku.v1.Danmaku of a danmaku. */
export function toProtoDanmaku(d: Danmaku): danmaku.Danmaku {
  const { id, room, name, userId, text, color, sentAtMs, streamTimeMs } = d;
  return { id, room, name, userId, text, mode: TO_PROTO[d.mode], color, sentAtMs, streamTimeMs };
}

/**
 * onair.danmaku.v1.DanmakuService on the same RoomMessages the WebSocket viewers use: a posted danmaku is
 * validated, captured and fanned out exactly like one sent over a socket. MODE_UNSPECIFIED and an empty
 * colour take the defaults (scroll, white); INVALID_ARGUMENT names the field at fault. PostDanmaku needs the service
 * token or an admin token (UNAUTHENTICATED, PERMISSION_DENIED); ListDanmaku is open.
 */
export function danmakuServiceHandlers(
  { messages, authorize }: GrpcCore<DanmakuPost, Danmaku>,
  log: Logger,
): danmaku.DanmakuServiceHandlers {
  const grpcLog = log.child({ component: 'danmaku-service' });
  return {
    PostDanmaku: unary(grpcLog, async (req: danmaku.PostDanmakuRequest__Output, call) => {
      const poster = grpcPoster(await authorize(call), req);
      const fields = { text: req.text, mode: FROM_PROTO[req.mode], color: req.color === '' ? undefined : req.color };
      const posted = unwrap(await messages.post({ room: req.room, poster, fields }));
      return { danmaku: toProtoDanmaku(posted) };
    }),
    ListDanmaku: unary(grpcLog, async (req: danmaku.ListDanmakuRequest__Output) => {
      const recent = unwrap(await messages.recent(req.room, req.limit === 0 ? DEFAULT_LIST_LIMIT : req.limit));
      return { danmaku: recent.map(toProtoDanmaku) };
    }),
  };
}

/** DanmakuService as the realtime core serves it: its definition and the handlers over the sockets' messages. */
export function danmakuGrpcService(log: Logger): GrpcServiceOf<DanmakuPost, Danmaku> {
  return (core) => ({
    definition: onair().danmaku.v1.DanmakuService.service,
    implementation: danmakuServiceHandlers(core, log),
  });
}
