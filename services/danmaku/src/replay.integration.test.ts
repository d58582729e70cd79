import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type danmaku } from '@onair/proto';
import { call, createClient } from '@onair/grpc-kit';
import { connectNats, Kvm, type NatsConnection } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNats, startService, waitFor, type TestNats, type TestService } from '@onair/testing';

// Integration: a built danmaku instance (npx tsc -b services/danmaku) on a real nats-server; the replay API over HTTP.

let nats: TestNats;
let nc: NatsConnection;
let svc: TestService;
let base: string;
let client: danmaku.DanmakuServiceClient;

const ROOM = 'replay-room';
const PUBLISH = '5a1d3c2e-7b1f-4c2d-9e8f-0123456789ab';

beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({
    servers: nats.url,
    name: 'replay-test',
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  svc = await startService('danmaku', {
    DANMAKU_NATS_URL: nats.url,
    DANMAKU_HOST: '127.0.0.1',
    DANMAKU_HTTP_PORT: '0',
    DANMAKU_GRPC_PORT: '0',
    DANMAKU_LOG_LEVEL: 'debug',
  });
  base = `http://127.0.0.1:${svc.port('httpPort')}`;
  client = createClient(onair().danmaku.v1.DanmakuService, `127.0.0.1:${svc.port('grpcPort')}`);
}, 60_000);

afterAll(async () => {
  client?.close();
  await nc?.close();
  await svc?.stop();
  await nats?.stop();
});

function post(req: danmaku.PostDanmakuRequest): Promise<danmaku.PostDanmakuResponse__Output> {
  return call((cb) => client.PostDanmaku(req, cb));
}

async function replay(query: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/rooms/${ROOM}/danmaku?${query}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface Item {
  readonly text: string;
  readonly streamTimeMs: number;
  readonly publishId: string;
}

describe('replay API', () => {
  it('returns the danmaku of a publish at their stream times, paged, without the deleted one, after the publish ended', async () => {
    // As ingest does: the bucket with history 1 and a 30 s max age; the publish started a minute ago.
    const kv = await new Kvm(nc).create('live', { history: 1, ttl: 30_000 });
    const startedAtMs = Date.now() - 60_000;
    await kv.put(ROOM, JSON.stringify({ publishId: PUBLISH, startedAtMs }));
    // Without a playhead: the live edge minus the typical latency (3 s).
    const warmUp = await waitFor(
      async () => {
        const { danmaku: d } = await post({ room: ROOM, name: 'bot', text: 'warm-up' });
        return d?.publishId === PUBLISH && d;
      },
      { what: 'the instance to see the publish' },
    );
    // Playheads a few seconds behind the live edge, posted out of stream-time order.
    const now = Date.now();
    const playheads = { c: now - 4000, a: now - 20_000, d: now - 1000, b: now - 12_000, gone: now - 8000 };
    const streamTimes: Record<string, number> = { 'warm-up': warmUp.streamTimeMs };
    const ids: Record<string, string> = {};
    for (const [text, playheadMs] of Object.entries(playheads)) {
      const { danmaku: d } = await post({ room: ROOM, name: 'bot', text, playheadMs });
      expect(d?.streamTimeMs).toBe(playheadMs - startedAtMs);
      ids[text] = String(d?.id);
      if (text !== 'gone') streamTimes[text] = playheadMs - startedAtMs;
    }
    const moderation = createClient(onair().moderation.v1.ModerationService, `127.0.0.1:${svc.port('grpcPort')}`);
    await call((cb) => moderation.Moderate({ room: ROOM, action: { delete: { id: ids.gone } } }, cb));
    moderation.close();
    await kv.delete(ROOM);
    await waitFor(async () => (await post({ room: ROOM, name: 'bot', text: 'off air' })).danmaku?.streamTimeMs === -1, {
      what: 'the room to be off air',
    });

    const seen: Item[] = [];
    let after = '';
    for (let pages = 0; ; pages++) {
      const { status, body } = await replay(`publish=${PUBLISH}&limit=2${after && `&after=${after}`}`);
      expect(status).toBe(200);
      const items = body.items as Item[];
      expect(items.length).toBeLessThanOrEqual(2);
      seen.push(...items);
      if (body.next === null) {
        expect(pages).toBe(2);
        break;
      }
      after = encodeURIComponent(body.next as string);
    }
    const expected = Object.entries(streamTimes).sort(([, x], [, y]) => x - y);
    expect(expected.map(([text]) => text)).toEqual(['a', 'b', 'c', 'warm-up', 'd']);
    expect(seen.map((d) => [d.text, d.streamTimeMs, d.publishId])).toEqual(expected.map((e) => [...e, PUBLISH]));
    const range = await replay(
      `publish=${PUBLISH}&fromMs=${playheads.b - startedAtMs}&toMs=${playheads.d - startedAtMs}`,
    );
    expect((range.body.items as Item[]).map((d) => d.text)).toEqual(['b', 'c', 'warm-up']);
  });

  it.each([
    ['', 400, 'publish'],
    [`publish=${PUBLISH}&limit=5000`, 400, 'limit'],
    [`publish=${PUBLISH}&fromMs=-5`, 400, 'fromMs'],
    [`publish=${PUBLISH}&after=nonsense`, 400, 'after'],
    ['publish=not-a-publish', 400, 'publish'],
    ['publish=00000000-0000-4000-8000-000000000000', 404, undefined],
  ])('answers ?%s with %i naming %s', async (query, status, field) => {
    const res = await replay(query);
    expect(res.status).toBe(status);
    expect(res.body.field).toBe(field);
  });

  it('refuses a bad room', async () => {
    const res = await fetch(`${base}/api/rooms/Not_A_Room/danmaku?publish=${PUBLISH}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'INVALID_ARGUMENT', field: 'room' });
  });
});
