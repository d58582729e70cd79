import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_BUCKET } from '@onair/contracts';
import { Kvm, connectNats } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import {
  publishTestStream,
  startNats,
  startService,
  waitFor,
  type TestNats,
  type TestProcess,
  type TestService,
} from '@onair/testing';

// Two built ingest replicas sharing one NATS, real ffmpeg publishers, and the built relay as an origin following the
// live registry (RELAY_NATS_URL): each room is served from the replica that holds it, and a room whose publisher
// reconnects to the other replica keeps being served.

const SECRET = 'a1'.repeat(16);
const KEY_A = `room-a_${SECRET}`;
const KEY_B = `room-b_${SECRET}`;

function startIngest(nats: TestNats, demoRoom: string, demoStreamKey: string): Promise<TestService> {
  return startService('ingest', {
    INGEST_NATS_URL: nats.url,
    INGEST_HOST: '127.0.0.1',
    INGEST_RTMP_PORT: '0',
    INGEST_GRPC_PORT: '0',
    INGEST_HTTP_PORT: '0',
    INGEST_LADDER: 'source',
    INGEST_SEGMENT_TARGET_MS: '1000',
    INGEST_DEMO_ROOM: demoRoom,
    INGEST_DEMO_STREAM_KEY: demoStreamKey,
  });
}

function publish(ingest: TestService, key: string): TestProcess {
  const url = `rtmp://127.0.0.1:${ingest.port('rtmpPort')}/live/${key}`;
  return publishTestStream({ url, durationS: 40, size: '320x240', gop: 25 });
}

async function playlist(url: string): Promise<string | undefined> {
  const res = await fetch(url);
  const text = await res.text();
  return res.status === 200 ? text : undefined;
}

/** The media URIs a playlist lists (segments and parts). */
function mediaUris(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    if (line.endsWith('.m4s') && !line.startsWith('#')) return [line];
    const part = /URI="([^"]+\.m4s)"/.exec(line);
    return part?.[1] ? [part[1]] : [];
  });
}

describe('an origin relay following the live registry over two ingest replicas', () => {
  let nats: TestNats;
  let ingestA: TestService;
  let ingestB: TestService;
  let relay: TestService;
  let relayUrl: string;
  const publishers: TestProcess[] = [];

  beforeAll(async () => {
    nats = await startNats();
    ingestA = await startIngest(nats, 'room-a', KEY_A);
    ingestB = await startIngest(nats, 'room-b', KEY_B);
    relay = await startService('relay', {
      RELAY_NATS_URL: nats.url,
      // Every entry names its ingest: the fallback is never dialled.
      RELAY_UPSTREAM: '127.0.0.1:9',
      RELAY_HOST: '127.0.0.1',
      RELAY_HTTP_PORT: '0',
      RELAY_GRPC_PORT: '0',
      RELAY_LOG_LEVEL: 'debug',
    });
    relayUrl = `http://127.0.0.1:${relay.port('httpPort')}`;
  });

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    await relay?.stop();
    await Promise.all([ingestA?.stop(), ingestB?.stop()]);
    await nats?.stop();
  });

  it('serves a room published to each replica, each from the replica holding it', async () => {
    const addressA = `127.0.0.1:${ingestA.port('grpcPort')}`;
    const addressB = `127.0.0.1:${ingestB.port('grpcPort')}`;
    publishers.push(publish(ingestA, KEY_A), publish(ingestB, KEY_B));
    for (const room of ['room-a', 'room-b']) {
      await waitFor(
        async () => mediaUris((await playlist(`${relayUrl}/hls/${room}/source/index.m3u8`)) ?? '').length > 0,
        {
          timeoutMs: 20_000,
          what: `the origin to serve ${room}`,
        },
      );
    }
    const health = (await (await fetch(`${relayUrl}/healthz`)).json()) as {
      upstreams: string[];
      followedRooms: number;
    };
    expect(health.followedRooms).toBe(2);
    expect([...health.upstreams].sort()).toEqual([addressA, addressB].sort());
    const opened = relay.logs().filter((l) => l.msg === 'subscription opened');
    expect(opened).toContainEqual(expect.objectContaining({ room: 'room-a', upstream: addressA }));
    expect(opened).toContainEqual(expect.objectContaining({ room: 'room-b', upstream: addressB }));
  });

  it('keeps serving a room whose publisher reconnected to the other replica, from that replica', async () => {
    const addressB = `127.0.0.1:${ingestB.port('grpcPort')}`;
    const url = `${relayUrl}/hls/room-a/source/index.m3u8`;
    // The publisher comes back on B while its old connection to A still holds the room: B takes the room over.
    publishers.push(publish(ingestB, KEY_A));
    await waitFor(
      () =>
        relay.logs().find((l) => l.msg === 'room moved to another ingest' && l.room === 'room-a' && l.to === addressB),
      { timeoutMs: 15_000, what: 'the origin to move room-a to B' },
    );
    // Media from B: new parts keep coming, and the stream does not end (no ENDLIST) while A lets go of the room.
    const seen = new Set(mediaUris((await playlist(url)) ?? ''));
    let fresh = 0;
    const deadline = Date.now() + 12_000;
    while (Date.now() < deadline) {
      const text = await playlist(url);
      expect(text, 'room-a playlist while moving').toBeDefined();
      expect(text).not.toContain('#EXT-X-ENDLIST');
      for (const uri of mediaUris(text ?? '')) if (!seen.has(uri) && seen.add(uri)) fresh++;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(fresh).toBeGreaterThan(5);
    const health = (await (await fetch(`${relayUrl}/healthz`)).json()) as {
      upstreams: string[];
      followedRooms: number;
    };
    expect(health).toMatchObject({ upstreams: [addressB], followedRooms: 2 });
    expect(ingestA.logs()).toContainEqual(expect.objectContaining({ msg: 'live lock lost to another publish' }));
  });

  it('ends a room whose live entry is deleted, though its ingest still streams it', async () => {
    const nc = await connectNats({
      servers: nats.url,
      name: 'test',
      log: createLogger({ service: 'test', level: 'silent' }),
    });
    try {
      await (await new Kvm(nc).open(LIVE_BUCKET)).delete('room-b');
    } finally {
      await nc.close();
    }
    await waitFor(
      async () => (await playlist(`${relayUrl}/hls/room-b/source/index.m3u8`))?.includes('#EXT-X-ENDLIST'),
      {
        timeoutMs: 5000,
        what: 'room-b to end at the origin',
      },
    );
    expect(relay.logs()).toContainEqual(
      expect.objectContaining({ msg: 'subscription closed', room: 'room-b', reason: 'ended upstream' }),
    );
  });
});
