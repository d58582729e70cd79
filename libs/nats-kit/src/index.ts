export { connectNats, type NatsOptions } from './connect.js';
export type { NatsConnection, Msg, Subscription } from '@nats-io/transport-node';
export { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
export { Kvm, type KV } from '@nats-io/kv';
