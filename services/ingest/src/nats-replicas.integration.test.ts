import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_BUCKET } from '@onair/contracts';
import { Kvm, connectNats, jetstreamManager, type NatsConnection } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNatsCluster, startService, type TestNatsCluster, type TestService } from '@onair/testing';
import { ROOMS_BUCKET } from './rooms/room-store.js';

// The built ingest on a real 3-node NATS cluster with INGEST_NATS_REPLICAS=3: its buckets get three copies, and a
// bucket an earlier version created with one is raised to three.

describe('ingest with INGEST_NATS_REPLICAS=3 on a 3-node NATS cluster', () => {
  let cluster: TestNatsCluster;
  let nc: NatsConnection;
  let ingest: TestService | undefined;

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    nc = await connectNats({
      servers: cluster.servers,
      name: 'ingest-replicas-test',
      log: createLogger({ service: 'test', level: 'silent' }),
    });
  }, 40_000);

  afterAll(async () => {
    await ingest?.stop();
    await nc?.close();
    await cluster?.stop();
  });

  it('creates the rooms bucket with three replicas and raises a live bucket that had one', async () => {
    await new Kvm(nc).create(LIVE_BUCKET, { history: 1, ttl: 30_000 });
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(`KV_${LIVE_BUCKET}`)).config.num_replicas).toBe(1);
    ingest = await startService('ingest', {
      INGEST_NATS_URL: cluster.servers,
      INGEST_NATS_REPLICAS: '3',
      INGEST_HOST: '127.0.0.1',
      INGEST_RTMP_PORT: '0',
      INGEST_GRPC_PORT: '0',
      INGEST_HTTP_PORT: '0',
    });
    for (const bucket of [ROOMS_BUCKET, LIVE_BUCKET]) {
      const info = await jsm.streams.info(`KV_${bucket}`);
      expect(info.config.num_replicas, bucket).toBe(3);
      expect(info.config.max_age, bucket).toBe(bucket === LIVE_BUCKET ? 30_000 * 1_000_000 : 0);
    }
    expect(ingest.logs()).toContainEqual(
      expect.objectContaining({ msg: 'bucket replicas raised', bucket: LIVE_BUCKET, replicas: 3, was: 1 }),
    );
  });
});
