import type { NatsConnection } from '@nats-io/transport-node';

/** The state of a NATS connection (onair.telemetry.v1.NatsStatus fields). */
export interface NatsState {
  /** True while the client is connected to a server. */
  readonly connected: boolean;
  /** Since when it is in that state, unix epoch ms. */
  readonly sinceMs: number;
}

/**
 * Follows `nc`'s status events: "disconnect" and "close" turn it disconnected, "reconnect" connected again (a
 * connection is connected when it is handed over). Returns a function that reads the current state, for
 * Telemetry.GetStats; the watch ends with the connection.
 * @param now wall clock, unix epoch ms. @default Date.now
 */
export function watchNatsState(nc: NatsConnection, now: () => number = Date.now): () => NatsState {
  let state: NatsState = { connected: !nc.isClosed(), sinceMs: now() };
  const set = (connected: boolean): void => {
    if (connected !== state.connected) state = { connected, sinceMs: now() };
  };
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'close') set(false);
      else if (s.type === 'reconnect') set(true);
    }
  })();
  void nc.closed().then(() => set(false));
  return () => state;
}
