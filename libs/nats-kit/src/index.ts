export { connectNats, type NatsOptions } from './connect.js';
export { watchNatsState, type NatsState } from './nats-state.js';
export {
  headers,
  NoRespondersError,
  type NatsConnection,
  type Msg,
  type MsgHdrs,
  type Subscription,
} from '@nats-io/transport-node';
export { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
export { Kvm, type KV } from '@nats-io/kv';
export { ensureStream, type EnsureStreamOptions, type StreamSettings } from './ensure-stream.js';
export { ensureKv, type EnsureKvOptions } from './ensure-kv.js';
export { keepWatching, type KeepWatchingOptions, type KeptWatch, type StoppableEntries } from './keep-watching.js';
