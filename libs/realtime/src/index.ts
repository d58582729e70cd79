export { startRealtime, type Realtime, type RealtimeOptions, type RoomActivity } from './realtime.js';
export { realtimeConfigSpec, type RealtimeConfig, type RealtimeConfigDefaults } from './realtime-config.js';
export { RoomMessages, type MessageKind, type MessageStamp, type PostRequest } from './room-messages.js';
export { roomIdSchema, nameSchema, textSchema, colorSchema, NAME_MAX_CHARS } from './fields.js';
export { PROTOCOL_VERSION, type RoomMessage, type ClientLimits, type Welcome } from './frames.js';
export { unwrap, type Rejection, type Result } from './result.js';
export { validate } from './validate.js';
export {
  realtimeApp,
  type RealtimeAppOptions,
  type RealtimePorts,
  type Companion,
  type GrpcServiceOf,
} from './realtime-app.js';
