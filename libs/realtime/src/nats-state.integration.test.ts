import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, watchNatsState, type NatsConnection } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNats, waitFor, type TestNats } from '@onair/testing';

// watchNatsState (nats-kit) as the realtime services report it in Telemetry.GetStats, against a real nats-server.

const log = createLogger({ service: 'test', level: 'silent' });
let nats: TestNats;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({ servers: nats.url, name: 'nats-state-test', log });
});

afterAll(async () => {
  await nc.close();
  await nats.stop();
});

describe('watchNatsState', () => {
  it('turns disconnected when the server goes away and connected again once the client reconnected', async () => {
    const state = watchNatsState(nc);
    const before = Date.now();
    expect(state().connected).toBe(true);
    await nats.process.stop();
    await waitFor(() => !state().connected, { timeoutMs: 10_000, what: 'disconnected' });
    expect(state().sinceMs).toBeGreaterThanOrEqual(before);
    await nats.restart();
    await waitFor(() => state().connected, { timeoutMs: 15_000, what: 'reconnected' });
    await nc.close();
    await waitFor(() => !state().connected, { timeoutMs: 5_000, what: 'closed' });
  });
});
