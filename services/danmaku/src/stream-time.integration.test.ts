import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type danmaku } from '@onair/proto';
import { call, createClient } from '@onair/grpc-kit';
import { connectNats, Kvm, type NatsConnection } from '@onair/nats-kit';
import { issueToken } from '@onair/realtime';
import { createLogger } from '@onair/runtime';
import {
  FrameClient,
  roomUrl,
  startNats,
  startService,
  waitFor,
  type ServerFrame,
  type TestNats,
  type TestService,
} from '@onair/testing';

// Integration: a built danmaku instance (npx tsc -b services/danmaku) on a real nats-server; where a danmaku lands on
// the stream's timeline, from the "live" bucket and the poster's playhead.

const JWT_SECRET = 'integration-test-secret-0123456789abcdef';

let nats: TestNats;
let nc: NatsConnection;
let svc: TestService;
let client: danmaku.DanmakuServiceClient;
const sockets: FrameClient[] = [];

beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({
    servers: nats.url,
    name: 'stream-time-test',
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  svc = await startService('danmaku', {
    DANMAKU_NATS_URL: nats.url,
    DANMAKU_JWT_SECRET: JWT_SECRET,
    DANMAKU_HOST: '127.0.0.1',
    DANMAKU_HTTP_PORT: '0',
    DANMAKU_GRPC_PORT: '0',
    DANMAKU_LOG_LEVEL: 'debug',
  });
  client = createClient(onair().danmaku.v1.DanmakuService, `127.0.0.1:${svc.port('grpcPort')}`);
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  client?.close();
  await nc?.close();
  await svc?.stop();
  await nats?.stop();
});

async function join(room: string, name?: string): Promise<FrameClient> {
  const token =
    name === undefined ? undefined : await issueToken(JWT_SECRET, { userId: name, name, roles: ['viewer'] }, 3_600_000);
  const socket = await FrameClient.join(roomUrl(svc.port('httpPort'), room), token === undefined ? {} : { token });
  sockets.push(socket);
  return socket;
}

function post(req: danmaku.PostDanmakuRequest): Promise<danmaku.PostDanmakuResponse__Output> {
  return call((cb) => client.PostDanmaku(req, cb));
}

const byText = (text: string) => (f: ServerFrame) => f.type === 'danmaku' && f.text === text;

describe('danmaku stream time', () => {
  it('stamps the publish and stream time from the "live" bucket and the playhead while the room is live', async () => {
    // As ingest does: the bucket with history 1 and a 30 s max age.
    const kv = await new Kvm(nc).create('live', { history: 1, ttl: 30_000 });
    const startedAtMs = Date.now() - 50_000;
    const publishId = '5a1d3c2e-0000-4000-8000-000000000001';
    await kv.put('on-air', JSON.stringify({ publishId, startedAtMs }));
    const viewer = await join('on-air');
    const estimated = await waitFor(
      async () => {
        const { danmaku: d } = await post({ room: 'on-air', name: 'bot', text: 'timed' });
        return d !== null && d.streamTimeMs >= 0 && d;
      },
      { what: 'a stream time' },
    );
    // No playhead: the live edge minus DANMAKU_TYPICAL_LATENCY_MS (3000).
    expect(estimated.streamTimeMs).toBe(estimated.sentAtMs - startedAtMs - 3000);
    expect(estimated.publishId).toBe(publishId);
    expect(await viewer.next((f) => f.id === estimated.id)).toMatchObject({
      streamTimeMs: estimated.streamTimeMs,
      publishId,
    });
    const playheadMs = Date.now() - 7000;
    const { danmaku: placed } = await post({ room: 'on-air', name: 'bot', text: 'at my playhead', playheadMs });
    expect(placed).toMatchObject({ streamTimeMs: playheadMs - startedAtMs, publishId });
    const sender = await join('on-air', 'erin');
    sender.send({ type: 'danmaku', text: 'over ws', playheadMs: playheadMs + 1000 });
    const overWs = await viewer.next(byText('over ws'));
    expect(overWs).toMatchObject({ streamTimeMs: playheadMs + 1000 - startedAtMs, publishId });
    expect(overWs).not.toHaveProperty('playheadMs');
    // A playhead older than DANMAKU_PLAYHEAD_MAX_BEHIND_MS (30 s) is not believed.
    const { danmaku: stale } = await post({ room: 'on-air', name: 'bot', text: 'stale', playheadMs: startedAtMs });
    expect(stale?.streamTimeMs).toBe(Number(stale?.sentAtMs) - startedAtMs - 3000);
    await kv.delete('on-air');
    const after = await waitFor(
      async () => {
        const { danmaku: d } = await post({ room: 'on-air', name: 'bot', text: 'after' });
        return d?.streamTimeMs === -1 && d;
      },
      { what: 'the room to be off air' },
    );
    expect(after.publishId).toBe('');
  });

  it("maps playheads after a reconnect of the publisher through the entry's timeline anchor, DPlayer posts too", async () => {
    const kv = await new Kvm(nc).create('live', { history: 1, ttl: 30_000 });
    const now = Date.now();
    // 70 s of media, then a reconnect that took 10 s: the media after it is stamped from `atMs` on.
    const anchor = { atMs: now - 20_000, streamTimeMs: 70_000 };
    const publishId = '5a1d3c2e-0000-4000-8000-000000000002';
    await kv.put('continued', JSON.stringify({ publishId, startedAtMs: now - 100_000, anchors: [anchor] }));
    await waitFor(async () => (await post({ room: 'continued', name: 'bot', text: 'warm-up' })).danmaku?.publishId, {
      what: 'the instance to see the publish',
    });
    const playheadMs = now - 5000;
    const { danmaku: after } = await post({ room: 'continued', name: 'bot', text: 'after the gap', playheadMs });
    expect(after).toMatchObject({ streamTimeMs: 70_000 + playheadMs - anchor.atMs, publishId });
    const { danmaku: inGap } = await post({ room: 'continued', name: 'bot', text: 'in it', playheadMs: now - 23_000 });
    expect(inGap?.streamTimeMs).toBe(70_000);
    const { danmaku: estimated } = await post({ room: 'continued', name: 'bot', text: 'no playhead' });
    expect(estimated?.streamTimeMs).toBe(70_000 + Number(estimated?.sentAtMs) - 3000 - anchor.atMs);

    // DPlayer's `time` is stream time: it comes back as posted, the playhead built through the anchor.
    const token = await issueToken(JWT_SECRET, { userId: 'dp', name: 'dp', roles: ['viewer'] }, 3_600_000);
    const res = await fetch(`http://127.0.0.1:${svc.port('httpPort')}/dplayer/v3/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        id: `continued.${publishId}`,
        time: 75.5,
        text: 'from dplayer',
        color: 0xffffff,
        type: 0,
      }),
    });
    expect(await res.json()).toEqual({ code: 0, data: [75.5, 0, 0xffffff, 'dp', 'from dplayer'] });
    await kv.delete('continued');
  });
});
