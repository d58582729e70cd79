import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type danmaku } from '@onair/proto';
import { call, createClient } from '@onair/grpc-kit';
import { issueToken } from '@onair/realtime';
import {
  FrameClient,
  roomUrl,
  startNats,
  startService,
  waitFor,
  type Arrival,
  type TestNats,
  type TestService,
} from '@onair/testing';

// Integration: how danmaku reach viewers (issue 12's delivery tests) on two built danmaku instances
// (npx tsc -b services/danmaku) and one real nats-server: batch windows and order across instances, a slow
// consumer beside fast ones, and the close codes a viewer is given.

interface Instance {
  readonly svc: TestService;
  readonly httpPort: number;
  readonly client: danmaku.DanmakuServiceClient;
}

const JWT_SECRET = 'integration-test-secret-0123456789abcdef';
/** DANMAKU_BATCH_WINDOW_MS of the instances. */
const WINDOW_MS = 50;

let nats: TestNats;
let a: Instance;
let b: Instance;
const clients: FrameClient[] = [];
const instances: Instance[] = [];

/** A danmaku instance on the test's nats-server: every danmaku delivered (no sampling), 1 s to fall behind. */
async function startInstance(): Promise<Instance> {
  const svc = await startService('danmaku', {
    DANMAKU_NATS_URL: nats.url,
    DANMAKU_JWT_SECRET: JWT_SECRET,
    DANMAKU_HOST: '127.0.0.1',
    DANMAKU_HTTP_PORT: '0',
    DANMAKU_GRPC_PORT: '0',
    DANMAKU_LOG_LEVEL: 'info',
    DANMAKU_BATCH_WINDOW_MS: String(WINDOW_MS),
    DANMAKU_DENSITY_PER_SEC: '0',
    DANMAKU_MAX_BEHIND_MS: '1000',
    DANMAKU_MAX_TEXT_LENGTH: '10000',
  });
  const client = createClient(onair().danmaku.v1.DanmakuService, `127.0.0.1:${svc.port('grpcPort')}`);
  const instance = { svc, httpPort: svc.port('httpPort'), client };
  instances.push(instance);
  return instance;
}

async function join(instance: Instance, room: string): Promise<FrameClient> {
  const client = await FrameClient.join(roomUrl(instance.httpPort, room));
  clients.push(client);
  return client;
}

/** Posts `text` through `instance`'s DanmakuService; resolves when it is stored, to the time it was answered. */
async function post(instance: Instance, room: string, text: string): Promise<number> {
  await call((cb) => instance.client.PostDanmaku({ room, name: 'bot', text }, cb));
  return Date.now();
}

/** The value of counter `name` at `instance`'s /metrics. */
async function metric(instance: Instance, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${instance.httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return Number(line?.split(' ').at(-1) ?? 'NaN');
}

/** Every arrival of `client` from now on that holds danmaku. */
function danmakuArrivals(client: FrameClient): Arrival[] {
  const arrivals: Arrival[] = [];
  client.onArrival((arrival) => {
    if (arrival.frames.some((f) => f.type === 'danmaku')) arrivals.push(arrival);
  });
  return arrivals;
}

beforeAll(async () => {
  nats = await startNats();
  [a, b] = await Promise.all([startInstance(), startInstance()]);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.terminate();
  for (const instance of instances) instance.client.close();
  await Promise.all(instances.map((i) => i.svc.stop()));
  await nats?.stop();
});

describe('danmaku delivery', () => {
  it('gives every viewer of either instance every danmaku in one seq order, one batch a window', async () => {
    const viewers = [await join(a, 'order'), await join(a, 'order'), await join(b, 'order'), await join(b, 'order')];
    const arrivals = viewers.map(danmakuArrivals);
    // 100 posts a second, alternately through a and b: about 5 a window.
    const texts = Array.from({ length: 80 }, (_, i) => `steady ${i}`);
    const posts: Array<Promise<number>> = [];
    for (const [i, text] of texts.entries()) {
      posts.push(post(i % 2 === 0 ? a : b, 'order', text));
      await sleep(10);
    }
    await Promise.all(posts);
    const all = (client: FrameClient) => client.pending().filter((f) => f.type === 'danmaku');
    for (const viewer of viewers)
      await waitFor(() => all(viewer).length >= texts.length, { timeoutMs: 10_000, what: 'every steady danmaku' });
    await sleep(500);
    const quiet = post(a, 'order', 'after a quiet spell');
    for (const viewer of viewers) await viewer.next((f) => f.text === 'after a quiet spell');
    const answeredAtMs = await quiet;

    const seqs = arrivals.map((list) => list.flatMap((arrival) => arrival.frames.map((f) => f.seq as number)));
    for (const [i, list] of arrivals.entries()) {
      expect(seqs[i]).toEqual(seqs[0]);
      expect(seqs[i]).toEqual([...seqs[i]!].sort((x, y) => x - y));
      expect(new Set(seqs[i]).size).toBe(texts.length + 1);
      const got = list.flatMap((arrival) => arrival.frames.map((f) => f.text as string));
      expect(new Set(got)).toEqual(new Set([...texts, 'after a quiet spell']));
      // Under load a batch carries several danmaku, and batches go out a window apart: over the steady posts' span,
      // one at its start and then at most one a window (plus one for the jitter of delivery).
      const steady = list.slice(0, -1);
      expect(Math.max(...steady.map((arrival) => arrival.frames.length))).toBeGreaterThanOrEqual(3);
      const spanMs = steady.at(-1)!.atMs - steady[0]!.atMs;
      expect(steady.length).toBeLessThanOrEqual(spanMs / WINDOW_MS + 2);
      // After a quiet spell a danmaku goes out alone at once, not a window later.
      const last = list.at(-1)!;
      expect(last).toMatchObject({ batch: false, frames: [{ text: 'after a quiet spell' }] });
      expect(last.atMs - answeredAtMs).toBeLessThan(WINDOW_MS);
    }
  }, 30_000);

  it('keeps a slow consumer from delaying the others, and closes it with 1013 once it is a second behind', async () => {
    const slow = await join(a, 'slow');
    const fast = [await join(a, 'slow'), await join(a, 'slow'), await join(b, 'slow')];
    const sentAt = new Map<string, number>();
    const arrivedAt = fast.map(() => new Map<string, number>());
    for (const [i, viewer] of fast.entries())
      viewer.onArrival((arrival) => {
        for (const f of arrival.frames)
          if (sentAt.has(f.text as string)) arrivedAt[i]!.set(f.text as string, arrival.atMs);
      });
    // Warm up both gRPC channels and deliveries, so that their first-time costs do not count as latency.
    await Promise.all([post(a, 'slow', 'warm a'), post(b, 'slow', 'warm b')]);
    // The two posts are stored in either order: wait for both without taking them in turn.
    for (const viewer of [slow, ...fast])
      await waitFor(() => ['warm a', 'warm b'].every((text) => viewer.pending().some((f) => f.text === text)), {
        what: 'both warm-up danmaku',
      });
    const closedBefore = await metric(a, 'onair_realtime_slow_viewers_closed_total');
    slow.pauseReading();
    // 100 posts a second of 30 KB each (10,000 three-byte characters): the slow socket's buffers (some MB) fill
    // within seconds; posting goes on until a has closed it, or for at most 20 s.
    const posts: Array<Promise<number>> = [];
    let closed = false;
    const watch = waitFor(
      async () => (closed = (await metric(a, 'onair_realtime_slow_viewers_closed_total')) > closedBefore),
      { timeoutMs: 20_000, intervalMs: 100, what: 'the slow viewer to be closed' },
    );
    for (let i = 0; !closed && i < 2000; i++) {
      const text = `${i} ${'弹'.repeat(9990)}`;
      sentAt.set(text, Date.now());
      posts.push(post(i % 2 === 0 ? a : b, 'slow', text));
      await sleep(10);
    }
    await watch;
    await Promise.all(posts);
    for (const got of arrivedAt)
      await waitFor(() => got.size === sentAt.size, { timeoutMs: 10_000, what: 'every danmaku at the fast viewers' });
    const latencies = arrivedAt.flatMap((got) => [...got].map(([text, atMs]) => atMs - sentAt.get(text)!));
    // Held behind the slow socket, most deliveries would wait until it was closed, a second behind. A loaded machine
    // (a CI run beside two other jobs) delayed the odd one past that (max 1,003 ms): the 95th percentile is the check.
    latencies.sort((x, y) => x - y);
    expect(latencies[Math.floor(latencies.length * 0.95)]).toBeLessThan(1000);
    slow.resumeReading();
    expect(await slow.closed).toEqual({ code: 1013, reason: 'too far behind' });
    expect(slow.pending().filter((f) => sentAt.has(f.text as string)).length).toBeLessThan(sentAt.size);
  }, 40_000);

  it('closes with the typed codes: 4002 without a hello, 4001 when the token expires, 1001 at shutdown', async () => {
    const silent = await FrameClient.connect(roomUrl(a.httpPort, 'codes'));
    clients.push(silent);
    // Taken until 5 s (the clock tolerance) past its exp, which is at most 2 s away.
    const token = await issueToken(JWT_SECRET, { userId: 'erin', name: 'erin', roles: ['viewer'] }, 1000);
    const expiring = await FrameClient.join(roomUrl(b.httpPort, 'codes'), { token });
    clients.push(expiring);
    const c = await startInstance();
    const leaving = await join(c, 'codes');
    const stopped = c.svc.stop();
    expect(await leaving.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await stopped).toBe(0);
    expect(await expiring.closed).toEqual({ code: 4001, reason: 'token expired' });
    expect(await silent.closed).toEqual({ code: 4002, reason: 'no hello' });
  }, 20_000);
});
