import { connectNats, Kvm, type NatsConnection } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNats, type TestNats } from './nats-server.js';

/** A real nats-server ({@link startNats}) with a client connected to it, for tests of NATS-backed components. */
export interface NatsFixture {
  readonly nats: TestNats;
  readonly nc: NatsConnection;
  /** JetStream KV buckets over `nc`. */
  readonly kvm: Kvm;
  /** Closes the client, then stops the server and removes its data. */
  stop(): Promise<void>;
}

/**
 * Starts nats-server with JetStream and connects a client to it (`connectNats`, silent log).
 * @throws Error with the server's output when it does not start (see {@link startNats}).
 */
export async function startNatsFixture(): Promise<NatsFixture> {
  const nats = await startNats();
  try {
    const nc = await connectNats({
      servers: nats.url,
      name: 'test',
      log: createLogger({ service: 'test', level: 'silent' }),
    });
    return {
      nats,
      nc,
      kvm: new Kvm(nc),
      async stop() {
        await nc.close();
        await nats.stop();
      },
    };
  } catch (err) {
    await nats.stop();
    throw err;
  }
}
