import { onair, type danmaku } from '@onair/proto';
import { unary } from '@onair/grpc-kit';
import { grpcPoster, unwrap, type GrpcCore, type GrpcServiceOf } from '@onair/realtime';
import type { Logger } from '@onair/runtime';
import type { Danmaku, DanmakuMode, DanmakuPost, DanmakuSize } from '../danmaku/danmaku-kind.js';

/** ListDanmaku's limit when the request says 0. */
export const DEFAULT_LIST_LIMIT = 50;

const MODE_TO_PROTO = {
  scroll: 'MODE_SCROLL',
  top: 'MODE_TOP',
  bottom: 'MODE_BOTTOM',
  reverse: 'MODE_REVERSE',
} as const satisfies Record<DanmakuMode, danmaku.Mode__Output>;

/** The post's mode of a request's; UNSPECIFIED: none, so the schema's default (scroll). */
const MODE_FROM_PROTO: Record<danmaku.Mode__Output, DanmakuMode | undefined> = {
  MODE_UNSPECIFIED: undefined,
  MODE_SCROLL: 'scroll',
  MODE_TOP: 'top',
  MODE_BOTTOM: 'bottom',
  MODE_REVERSE: 'reverse',
};

const SIZE_TO_PROTO = {
  small: 'SIZE_SMALL',
  normal: 'SIZE_NORMAL',
  large: 'SIZE_LARGE',
} as const satisfies Record<DanmakuSize, danmaku.Size__Output>;

/** The post's size of a request's; UNSPECIFIED: none, so the schema's default (normal). */
const SIZE_FROM_PROTO: Record<danmaku.Size__Output, DanmakuSize | undefined> = {
  SIZE_UNSPECIFIED: undefined,
  SIZE_SMALL: 'small',
  SIZE_NORMAL: 'normal',
  SIZE_LARGE: 'large',
};

/**
 * onair.danmaku.v1.Danmaku of a danmaku. One stored before sizes existed has none and goes out as SIZE_UNSPECIFIED
 * (the proto says: draw it as normal).
 */
export function toProtoDanmaku(d: Danmaku): danmaku.Danmaku {
  const { id, room, name, userId, text, color, sentAtMs, streamTimeMs, publishId } = d;
  return {
    id,
    room,
    name,
    userId,
    text,
    mode: MODE_TO_PROTO[d.mode],
    color,
    size: SIZE_TO_PROTO[d.size],
    sentAtMs,
    streamTimeMs,
    publishId: publishId ?? '',
  };
}

/**
 * The fields of a post a PostDanmakuRequest carries, for the danmaku schema: UNSPECIFIED mode or size, an empty
 * colour and a 0 playhead are left out, so the schema's defaults (scroll, normal, white, no playhead) apply.
 */
export function postFieldsOf(req: danmaku.PostDanmakuRequest__Output): Record<string, unknown> {
  return {
    text: req.text,
    mode: MODE_FROM_PROTO[req.mode],
    color: req.color === '' ? undefined : req.color,
    size: SIZE_FROM_PROTO[req.size],
    playheadMs: req.playheadMs === 0 ? undefined : req.playheadMs,
  };
}

/**
 * onair.danmaku.v1.DanmakuService on the same RoomMessages the WebSocket viewers use: a posted danmaku is
 * validated, captured and fanned out exactly like one sent over a socket. MODE_UNSPECIFIED, SIZE_UNSPECIFIED and an
 * empty colour take the defaults (scroll, normal, white); INVALID_ARGUMENT names the field at fault. PostDanmaku needs the service
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
      const posted = unwrap(await messages.post({ room: req.room, poster, fields: postFieldsOf(req) }));
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
