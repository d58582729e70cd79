import { fileURLToPath } from 'node:url';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import type { ProtoGrpcType as MediaGrpc } from '../gen/media.js';
import type { ProtoGrpcType as RoomsGrpc } from '../gen/rooms.js';
import type { ProtoGrpcType as TelemetryGrpc } from '../gen/telemetry.js';
import type { ProtoGrpcType as DanmakuGrpc } from '../gen/danmaku.js';
import type { ProtoGrpcType as ChatGrpc } from '../gen/chat.js';
import type { ProtoGrpcType as ModerationGrpc } from '../gen/moderation.js';

/** Folder holding `onair/<pkg>/v1/*.proto`. */
export const PROTO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The .proto files of every Onair package, relative to {@link PROTO_ROOT}. */
export const PROTO_FILES = [
  'onair/media/v1/media.proto',
  'onair/rooms/v1/rooms.proto',
  'onair/telemetry/v1/telemetry.proto',
  'onair/danmaku/v1/danmaku.proto',
  'onair/chat/v1/chat.proto',
  'onair/moderation/v1/moderation.proto',
] as const;

/**
 * proto-loader options; they match the flags the types in `gen/` are generated with
 * (camelCase fields, 64-bit integers as numbers, enums as strings, defaults and oneof names filled in).
 */
export const LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

/** Every Onair gRPC package, typed: `onair.media.v1.MediaService`, `onair.rooms.v1.RoomsService`, … */
export type OnairGrpc = MediaGrpc & RoomsGrpc & TelemetryGrpc & DanmakuGrpc & ChatGrpc & ModerationGrpc;

let loaded: OnairGrpc['onair'] | undefined;

/** Loads (once) and returns the `onair` namespace: service constructors and service definitions. */
export function onair(): OnairGrpc['onair'] {
  if (!loaded) {
    const definition = loadSync([...PROTO_FILES], LOADER_OPTIONS);
    loaded = (loadPackageDefinition(definition) as unknown as OnairGrpc).onair;
  }
  return loaded;
}

export type * as media from '../gen/media-types.js';
export type * as rooms from '../gen/rooms-types.js';
export type * as telemetry from '../gen/telemetry-types.js';
export type * as danmaku from '../gen/danmaku-types.js';
export type * as chat from '../gen/chat-types.js';
export type * as moderation from '../gen/moderation-types.js';
