import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@onair/runtime';

/** Options of {@link connectNats}. */
export interface NatsOptions {
  /** Comma-separated server URLs, e.g. "nats://127.0.0.1:4222". */
  servers: string;
  /** Connection name shown by the server's monitoring, e.g. "chat-<instance>". */
  name: string;
  log: Logger;
}

/**
 * Connects to NATS with endless reconnects, logging every status change. `noAsyncTraces`: nats.js would otherwise
 * build an Error with a stack trace for every request and JetStream publish, in case it fails (about a quarter of
 * a chat instance's CPU at thousands of posts/s, bench/realtime); failures still carry their own message.
 * @throws when no server answers the first connect.
 */
export async function connectNats({ servers, name, log }: NatsOptions): Promise<NatsConnection> {
  const natsLog = log.child({ component: 'nats' });
  const nc = await connect({
    servers: servers.split(',').map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    noAsyncTraces: true,
  });
  natsLog.info({ server: nc.getServer() }, 'connected');
  void (async () => {
    for await (const s of nc.status()) {
      natsLog[statusLevel(s.type)]({ type: s.type }, 'status');
    }
  })();
  return nc;
}

/** Status events that mean trouble; "ping" (every ping interval) is routine and logged at debug. */
const WARN_STATUSES = new Set(['disconnect', 'error', 'staleConnection', 'slowConsumer', 'forceReconnect']);

function statusLevel(type: string): 'debug' | 'info' | 'warn' {
  if (type === 'ping') return 'debug';
  return WARN_STATUSES.has(type) ? 'warn' : 'info';
}
