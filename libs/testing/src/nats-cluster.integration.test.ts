import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Kvm,
  connectNats,
  ensureKv,
  ensureStream,
  jetstream,
  jetstreamManager,
  type JetStreamManager,
  type NatsConnection,
} from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNatsCluster, type TestNatsCluster } from './nats-cluster.js';
import { waitFor } from './wait.js';

const log = createLogger({ service: 'test', level: 'silent' });

describe('startNatsCluster and the create-or-update helpers on it', () => {
  let cluster: TestNatsCluster;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    nc = await connectNats({ servers: cluster.servers, name: 'cluster-test', log });
    jsm = await jetstreamManager(nc);
  }, 40_000);

  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  it('starts three routed JetStream servers on their own ports', async () => {
    expect(cluster.urls).toHaveLength(3);
    expect(new Set(cluster.urls).size).toBe(3);
    const info = await jsm.getAccountInfo();
    expect(info.limits).toBeDefined();
  });

  it('raises a stream created with one replica to three, keeping its messages and other settings', async () => {
    await ensureStream(jsm, { name: 'RAISED', subjects: ['raised.*'], max_msgs_per_subject: 7 }, { log });
    expect((await jsm.streams.info('RAISED')).config.num_replicas).toBe(1);
    await nc.request('raised.a', 'kept');
    await ensureStream(jsm, { name: 'RAISED', subjects: ['raised.*'] }, { replicas: 3, log });
    const info = await jsm.streams.info('RAISED');
    expect(info.config).toMatchObject({ num_replicas: 3, max_msgs_per_subject: 7 });
    expect(info.state.messages).toBe(1);
    // Fewer than the stream has: kept.
    await ensureStream(jsm, { name: 'RAISED', subjects: ['raised.*'] }, { replicas: 1, log });
    expect((await jsm.streams.info('RAISED')).config.num_replicas).toBe(3);
  });

  it('updates the settings named updatable, and only those', async () => {
    await ensureStream(jsm, { name: 'LIMITED', subjects: ['limited.*'], max_age: 1e9 }, { replicas: 3, log });
    const settings = { name: 'LIMITED', subjects: ['limited.*'], max_age: 2e9, max_msgs: 10 };
    await ensureStream(jsm, settings, { replicas: 3, updatable: ['max_age'], log });
    expect((await jsm.streams.info('LIMITED')).config).toMatchObject({ max_age: 2e9, max_msgs: -1, num_replicas: 3 });
  });

  it('raises a KV bucket created with one replica to three, keeping its entries', async () => {
    const kvm = new Kvm(nc);
    const first = await ensureKv(kvm, 'raised-kv', { history: 1 }, { log });
    expect((await first.status()).replicas).toBe(1);
    await first.put('k', 'v');
    const raised = await ensureKv(kvm, 'raised-kv', { history: 1 }, { replicas: 3, log });
    expect((await raised.status()).replicas).toBe(3);
    expect((await raised.get('k'))?.string()).toBe('v');
  });

  it('serves a three-replica stream after one node is killed, and takes the node back', async () => {
    await ensureStream(jsm, { name: 'SURVIVES', subjects: ['survives.*'] }, { replicas: 3, log });
    await nc.request('survives.a', 'before');
    const leader = (await jsm.streams.info('SURVIVES')).cluster?.leader;
    const index = cluster.urls.findIndex((_, i) => leader === `n${i}`);
    expect(index).toBeGreaterThanOrEqual(0);
    await cluster.kill(index);
    expect(cluster.process(index).child.signalCode).toBe('SIGKILL');
    const ack = await waitFor(() => jetstream(nc).publish('survives.a', 'after', { timeout: 1000 }), {
      timeoutMs: 10_000,
      what: 'a publish acknowledged after the kill',
    });
    expect(ack.seq).toBe(2);
    await cluster.restart(index);
    expect(cluster.process(index).child.exitCode).toBeNull();
    expect((await jsm.streams.info('SURVIVES')).state.messages).toBe(2);
  }, 45_000);
});
