import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { onair, type danmaku } from '@onair/proto';
import { call, createClient } from '@onair/grpc-kit';
import { connectNats, Kvm, type NatsConnection } from '@onair/nats-kit';
import { issueToken } from '@onair/realtime';
import { createLogger } from '@onair/runtime';
import { assTime } from './formats/ass-export.js';
import { startNats, startService, waitFor, type TestNats, type TestService } from '@onair/testing';

// Integration: a built danmaku instance (npx tsc -b services/danmaku) on a real nats-server; the format routes.

let nats: TestNats;
let nc: NatsConnection;
let svc: TestService;
let base: string;
let client: danmaku.DanmakuServiceClient;

const ROOM = 'format-room';
const PUBLISH = '6b2e4d3f-8c2a-4d3e-8f90-123456789abc';
const JWT_SECRET = 'formats-test-secret-0123456789abcdef';

beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({
    servers: nats.url,
    name: 'formats-test',
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  svc = await startService('danmaku', {
    DANMAKU_NATS_URL: nats.url,
    DANMAKU_HOST: '127.0.0.1',
    DANMAKU_HTTP_PORT: '0',
    DANMAKU_GRPC_PORT: '0',
    DANMAKU_JWT_SECRET: JWT_SECRET,
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

describe('format routes', () => {
  it('serve the posted danmaku at their stream times as DPlayer v3, Bilibili XML, ArtPlayer and ASS', async () => {
    const kv = await new Kvm(nc).create('live', { history: 1, ttl: 30_000 });
    const startedAtMs = Date.now() - 60_000;
    await kv.put(ROOM, JSON.stringify({ publishId: PUBLISH, startedAtMs }));
    await waitFor(
      async () => (await post({ room: ROOM, name: 'bot', text: 'warm-up' })).danmaku?.publishId === PUBLISH,
      {
        what: 'the instance to see the publish',
      },
    );
    const now = Date.now();
    const posts = [
      { text: 'late <b>&"\'', playheadMs: now - 2000, mode: 'MODE_TOP' as const, color: '#ff0000' },
      { text: 'early', playheadMs: now - 15_000, mode: 'MODE_BOTTOM' as const, color: '#00ff00' },
    ];
    for (const p of posts) {
      const { danmaku: d } = await post({
        room: ROOM,
        name: 'bot',
        text: p.text,
        playheadMs: p.playheadMs,
        mode: p.mode,
        color: p.color,
      });
      expect(d?.streamTimeMs).toBe(p.playheadMs - startedAtMs);
    }
    const timeS = (text: string): number => {
      const p = posts.find((x) => x.text === text);
      return (p!.playheadMs - startedAtMs) / 1000;
    };

    const dp = await fetch(`${base}/dplayer/v3/?id=${ROOM}.${PUBLISH}`);
    expect(dp.status).toBe(200);
    expect(dp.headers.get('access-control-allow-origin')).toBe('*');
    const answer = (await dp.json()) as { code: number; data: [number, number, number, string, string][] };
    expect(answer.code).toBe(0);
    const dpByText = new Map(answer.data.map((d) => [d[4], d]));
    expect(dpByText.get('early')).toEqual([timeS('early'), 2, 0x00ff00, 'bot', 'early']);
    expect(dpByText.get('late &lt;b&gt;&amp;&quot;&#39;')?.slice(0, 3)).toEqual([timeS(posts[0]!.text), 1, 0xff0000]);
    expect(answer.data).toHaveLength(3);

    const xmlRes = await fetch(`${base}/api/rooms/${ROOM}/danmaku.xml?publish=${PUBLISH}`);
    expect(xmlRes.status).toBe(200);
    expect(xmlRes.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true }).parse(
      await xmlRes.text(),
    ) as { i: { d: { '#text': string; p: string }[] } };
    const xmlTimes = new Map(doc.i.d.map((d) => [String(d['#text']), Number(d.p.split(',')[0])]));
    expect(xmlTimes.get('early')).toBeCloseTo(timeS('early'), 3);
    expect(xmlTimes.get(posts[0]!.text)).toBeCloseTo(timeS(posts[0]!.text), 3);

    const art = await fetch(`${base}/api/rooms/${ROOM}/danmaku.artplayer.json?publish=${PUBLISH}`);
    expect(art.status).toBe(200);
    const artItems = (await art.json()) as { text: string; time: number; mode: number; color: string }[];
    expect(artItems.find((d) => d.text === 'early')).toMatchObject({ time: timeS('early'), mode: 2, color: '#00ff00' });
    expect(artItems.find((d) => d.text === posts[0]!.text)).toMatchObject({ time: timeS(posts[0]!.text), mode: 1 });

    const ass = await fetch(`${base}/api/rooms/${ROOM}/danmaku.ass?publish=${PUBLISH}`);
    expect(ass.status).toBe(200);
    expect(ass.headers.get('content-type')).toBe('text/x-ssa; charset=utf-8');
    expect(ass.headers.get('content-disposition')).toBe(`attachment; filename="${ROOM}-${PUBLISH}.ass"`);
    const script = await ass.text();
    const assStart = assTime(timeS('early') * 1000).replace('.', '\\.');
    expect(script).toMatch(new RegExp(`^Dialogue: 0,${assStart},.*\\}early$`, 'm'));
    expect(script).toContain('}late <b>&"\'');
  });

  it('takes a DPlayer post with a bearer token into the live publish at its playhead', async () => {
    const room = 'dplayer-room';
    const publishId = '7c3f5e4a-9d3b-4e4f-9a01-23456789abcd';
    const kv = await new Kvm(nc).create('live', { history: 1, ttl: 30_000 });
    const startedAtMs = Date.now() - 60_000;
    await kv.put(room, JSON.stringify({ publishId, startedAtMs }));
    await waitFor(async () => (await post({ room, name: 'bot', text: 'warm-up' })).danmaku?.publishId === publishId, {
      what: 'the instance to see the publish',
    });
    const token = await issueToken(JWT_SECRET, { userId: 'alice', name: 'alice', roles: ['viewer'] }, 3_600_000);
    const send = (body: Record<string, unknown>, authorization?: string): Promise<Response> =>
      fetch(`${base}/dplayer/v3/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
      });
    const body = { id: `${room}.${publishId}`, time: 50.25, text: 'from dplayer', color: 0xff0000, type: 1 };

    const anonymous = await send(body);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'UNAUTHENTICATED' });

    const res = await send(body, `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 0, data: [50.25, 1, 0xff0000, 'alice', 'from dplayer'] });

    const stale = await send({ ...body, id: `${room}.${PUBLISH}` }, `Bearer ${token}`);
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ error: 'NOT_LIVE' });

    const read = (await (await fetch(`${base}/dplayer/v3/?id=${room}.${publishId}`)).json()) as { data: unknown[][] };
    expect(read.data.filter((d) => d[4] === 'from dplayer')).toEqual([[50.25, 1, 0xff0000, 'alice', 'from dplayer']]);
  });

  it.each([
    ['/dplayer/v3/', 400, 'id'],
    ['/dplayer/v3/?id=nodot', 400, 'id'],
    [`/dplayer/v3/?id=${ROOM}.not-a-publish`, 400, 'publish'],
    [`/api/rooms/${ROOM}/danmaku.xml`, 400, 'publish'],
    [`/api/rooms/${ROOM}/danmaku.artplayer.json?publish=bad`, 400, 'publish'],
    [`/api/rooms/${ROOM}/danmaku.ass?publish=00000000-0000-4000-8000-000000000000`, 404, undefined],
  ])('answers %s with %i naming %s', async (path, status, field) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { field?: string }).field).toBe(field);
  });
});
