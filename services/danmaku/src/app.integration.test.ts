import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type danmaku, type telemetry } from '@onair/proto';
import { call, createClient } from '@onair/grpc-kit';
import { issueToken } from '@onair/realtime';
import { OnairError } from '@onair/runtime';
import {
  FrameClient,
  roomUrl,
  UpgradeRefusedError,
  type ServerFrame,
  startNats,
  startService,
  waitFor,
  type TestNats,
  type TestService,
} from '@onair/testing';

// Integration: two built danmaku instances (npx tsc -b services/danmaku) on one real nats-server.

interface Instance {
  readonly svc: TestService;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly client: danmaku.DanmakuServiceClient;
}

let nats: TestNats;
let a: Instance;
let b: Instance;
const clients: FrameClient[] = [];
const JWT_SECRET = 'integration-test-secret-0123456789abcdef';

/** A viewer token for user `name` (user id = name), good for an hour. */
const tokenFor = (name: string): Promise<string> =>
  issueToken(JWT_SECRET, { userId: name, name, roles: ['viewer'] }, 3_600_000);

async function startInstance(): Promise<Instance> {
  const svc = await startService('danmaku', {
    DANMAKU_NATS_URL: nats.url,
    DANMAKU_JWT_SECRET: JWT_SECRET,
    DANMAKU_HOST: '127.0.0.1',
    DANMAKU_HTTP_PORT: '0',
    DANMAKU_GRPC_PORT: '0',
    DANMAKU_LOG_LEVEL: 'debug',
    // 5 danmaku a 50 ms window: a burst of 100 is sampled.
    DANMAKU_DENSITY_PER_SEC: '100',
  });
  const [httpPort, grpcPort] = [svc.port('httpPort'), svc.port('grpcPort')];
  return { svc, httpPort, grpcPort, client: createClient(onair().danmaku.v1.DanmakuService, `127.0.0.1:${grpcPort}`) };
}

/** Connects a viewer (with a token naming `name` when given) and waits for its welcome. */
async function join(instance: Instance, room: string, name?: string): Promise<FrameClient> {
  const hello = name === undefined ? {} : { token: await tokenFor(name) };
  const client = await FrameClient.join(roomUrl(instance.httpPort, room), hello);
  clients.push(client);
  return client;
}

function post(instance: Instance, req: danmaku.PostDanmakuRequest): Promise<danmaku.PostDanmakuResponse__Output> {
  return call((cb) => instance.client.PostDanmaku(req, cb));
}

const byText = (text: string) => (f: ServerFrame) => f.type === 'danmaku' && f.text === text;

/** The value of counter `name` at `instance`'s /metrics. */
async function metric(instance: Instance, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${instance.httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return Number(line?.split(' ').at(-1) ?? 'NaN');
}

beforeAll(async () => {
  nats = await startNats();
  [a, b] = await Promise.all([startInstance(), startInstance()]);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.terminate();
  a?.client.close();
  b?.client.close();
  await Promise.all([a?.svc.stop(), b?.svc.stop()]);
  await nats?.stop();
});

describe('danmaku service', () => {
  it('delivers a danmaku sent on one instance to viewers on the other, and back to the sender', async () => {
    const viewer = await join(b, 'cross');
    const sender = await join(a, 'cross', 'alice');
    const before = Date.now();
    sender.send({ type: 'danmaku', text: ' hello 世界 ', mode: 'top', color: '#FF8800' });
    const got = await viewer.next('danmaku');
    const echo = await sender.next('danmaku');
    expect(got).toMatchObject({
      v: 1,
      room: 'cross',
      name: 'alice',
      text: 'hello 世界',
      mode: 'top',
      color: '#ff8800',
      streamTimeMs: -1,
    });
    expect(got.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(echo).toEqual(got);
    expect(got.sentAtMs).toBeGreaterThanOrEqual(before);
    expect(got.sentAtMs).toBeLessThanOrEqual(Date.now());
    expect(got.size).toBe('normal');
    sender.send({ type: 'danmaku', text: '倒放', mode: 'reverse', size: 'large' });
    const reverse = { userId: 'alice', name: 'alice', text: '倒放', mode: 'reverse', size: 'large' };
    expect(await viewer.next('danmaku')).toMatchObject(reverse);
  });

  it('needs a token to post; the name comes from the token, never from the client', async () => {
    const client = await join(a, 'hello-room');
    client.send({ type: 'danmaku', text: 'anonymous' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED' });
    client.send({ type: 'hello', token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ.' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED', field: 'token' });
    client.send({ type: 'hello', token: await tokenFor('bob') });
    expect(await client.next()).toMatchObject({
      type: 'welcome',
      room: 'hello-room',
      user: { userId: 'bob', name: 'bob', roles: ['viewer'], guest: false },
      limits: { maxTextLength: 100 },
    });
    client.send({ type: 'danmaku', text: 'named', name: 'mallory' });
    expect(await client.next()).toMatchObject({
      type: 'danmaku',
      name: 'bob',
      userId: 'bob',
      text: 'named',
      mode: 'scroll',
      color: '#ffffff',
    });
  });

  it('answers bad input with an error frame naming the problem and keeps the socket usable', async () => {
    const client = await join(a, 'bad-input', 'carol');
    const cases: Array<[frame: object | string | Buffer, expected: Record<string, unknown>]> = [
      ['not json', { code: 'INVALID_ARGUMENT', message: 'frame is not valid JSON' }],
      [
        Buffer.from([1, 2, 3]),
        { code: 'INVALID_ARGUMENT', message: 'binary frames are not supported; send JSON text' },
      ],
      [
        { type: 'shout', text: 'hi' },
        { code: 'INVALID_ARGUMENT', field: 'type' },
      ],
      [
        { type: 'danmaku', text: '   ' },
        { code: 'INVALID_ARGUMENT', field: 'text', message: 'text must not be empty' },
      ],
      [
        { type: 'danmaku', text: 'x'.repeat(101) },
        { code: 'INVALID_ARGUMENT', field: 'text', message: 'text must be at most 100 characters' },
      ],
      [
        { type: 'danmaku', text: 'hi', mode: 'sideways' },
        { code: 'INVALID_ARGUMENT', field: 'mode' },
      ],
      [
        { type: 'danmaku', text: 'hi', color: 'blue' },
        { code: 'INVALID_ARGUMENT', field: 'color' },
      ],
      [
        { type: 'danmaku', text: 'hi', size: 36 },
        { code: 'INVALID_ARGUMENT', field: 'size', message: 'size must be small, normal or large' },
      ],
    ];
    for (const [frame, expected] of cases) {
      client.send(frame);
      expect(await client.next()).toMatchObject({ v: 1, type: 'error', ...expected });
    }
    client.send({ type: 'danmaku', text: 'still here' });
    expect(await client.next()).toMatchObject({ type: 'danmaku', text: 'still here' });
  });

  it('closes a socket that sends an oversize frame with 1009 and keeps serving others', async () => {
    const client = await join(a, 'oversize', 'dave');
    client.send(JSON.stringify({ type: 'danmaku', text: 'x'.repeat(5000) }));
    expect((await client.closed).code).toBe(1009);
    const next = await join(a, 'oversize', 'dave');
    next.send({ type: 'danmaku', text: 'fine' });
    expect(await next.next('danmaku')).toMatchObject({ text: 'fine' });
  });

  it('rate-limits a flooding client while another in the room keeps sending, and closes it past 10× the limit', async () => {
    const flooder = await join(a, 'flood', 'flooder');
    const calm = await join(a, 'flood', 'calm');
    const viewer = await join(b, 'flood');
    for (let i = 0; i < 30; i++) flooder.send({ type: 'danmaku', text: `spam ${i}` });
    await waitFor(() => flooder.pending().filter((f) => f.type === 'error' && f.code === 'RATE_LIMITED').length >= 15, {
      what: 'RATE_LIMITED frames',
    });
    calm.send({ type: 'danmaku', text: 'calm 1' });
    expect(await viewer.next(byText('calm 1'))).toMatchObject({ name: 'calm' });
    for (let i = 0; i < 200; i++) flooder.send({ type: 'danmaku', text: `flood ${i}` });
    expect((await flooder.closed).code).toBe(1008);
    calm.send({ type: 'danmaku', text: 'calm 2' });
    expect(await viewer.next(byText('calm 2'))).toMatchObject({ name: 'calm' });
    const telemetryClient = createClient(onair().telemetry.v1.TelemetryService, `127.0.0.1:${a.grpcPort}`);
    const stats = await call<telemetry.GetStatsResponse__Output>((cb) => telemetryClient.GetStats({}, cb));
    telemetryClient.close();
    // At least the 15 refusals above, within Telemetry's 10 s window.
    expect(stats.rooms.find((r) => r.room === 'flood')?.rateLimitedPerSecond).toBeGreaterThanOrEqual(1.5);
  });

  it('posts over gRPC to WebSocket viewers of every instance and lists the recent danmaku', async () => {
    const onA = await join(a, 'grpc-room');
    const onB = await join(b, 'grpc-room');
    const { danmaku: first } = await post(a, {
      room: 'grpc-room',
      name: 'bot',
      text: 'one',
      mode: 'MODE_BOTTOM',
      color: '',
    });
    expect(first).toMatchObject({
      room: 'grpc-room',
      name: 'bot',
      text: 'one',
      mode: 'MODE_BOTTOM',
      color: '#ffffff',
      size: 'SIZE_NORMAL',
      streamTimeMs: -1,
    });
    for (const viewer of [onA, onB])
      expect(await viewer.next('danmaku')).toMatchObject({ id: first?.id, mode: 'bottom', size: 'normal' });
    await post(b, { room: 'grpc-room', name: 'bot', text: 'two', mode: 'MODE_TOP', color: '#00FF00' });
    const { danmaku: third } = await post(b, {
      room: 'grpc-room',
      name: 'bot',
      text: 'three',
      mode: 'MODE_REVERSE',
      size: 'SIZE_LARGE',
    });
    for (const viewer of [onA, onB])
      expect(await viewer.next((f) => f.id === third?.id)).toMatchObject({ mode: 'reverse', size: 'large' });
    const all = await call<danmaku.ListDanmakuResponse__Output>((cb) =>
      a.client.ListDanmaku({ room: 'grpc-room' }, cb),
    );
    expect(all.danmaku.map((d) => [d.text, d.mode, d.color, d.size])).toEqual([
      ['one', 'MODE_BOTTOM', '#ffffff', 'SIZE_NORMAL'],
      ['two', 'MODE_TOP', '#00ff00', 'SIZE_NORMAL'],
      ['three', 'MODE_REVERSE', '#ffffff', 'SIZE_LARGE'],
    ]);
    const last = await call<danmaku.ListDanmakuResponse__Output>((cb) =>
      a.client.ListDanmaku({ room: 'grpc-room', limit: 2 }, cb),
    );
    expect(last.danmaku.map((d) => d.text)).toEqual(['two', 'three']);
    const refused = await post(a, { room: 'grpc-room', name: 'bot', text: '' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(OnairError);
    expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'text: text must not be empty' });
  });

  it('batches a busy room and samples a flood down to the density: in order, each viewer counts what it missed', async () => {
    const onA = await join(a, 'burst');
    const onB = await join(b, 'burst');
    const sampledBefore = await Promise.all([a, b].map((i) => metric(i, 'onair_realtime_fanout_sampled_total')));
    const texts = Array.from({ length: 300 }, (_, i) => `burst ${i}`);
    await Promise.all(texts.map((text) => post(a, { room: 'burst', name: 'bot', text })));
    for (const [i, viewer] of [onA, onB].entries()) {
      // Every post is either delivered or counted as sampled away by the viewer's instance; an end marker would
      // itself be sampled when it shares a window with the flood.
      const got = await waitFor(
        async () => {
          const delivered = viewer.pending().filter((f) => f.type === 'danmaku');
          const sampled = (await metric([a, b][i]!, 'onair_realtime_fanout_sampled_total')) - sampledBefore[i]!;
          return delivered.length + sampled === texts.length && delivered;
        },
        { what: 'every post delivered or sampled away', timeoutMs: 10_000 },
      );
      expect(got.map((f) => f.seq)).toEqual([...got.map((f) => f.seq as number)].sort((x, y) => x - y));
      expect(new Set(got.map((f) => f.text)).size).toBe(got.length);
      expect(viewer.batches).toBeGreaterThan(0);
      expect(got.length).toBeLessThan(texts.length);
    }
  });

  it('merges identical danmaku of a batch window into one with a count, losing none', async () => {
    const viewer = await join(b, 'merge');
    const mergedBefore = await metric(b, 'onair_realtime_fanout_merged_total');
    await Promise.all(Array.from({ length: 10 }, () => post(a, { room: 'merge', name: 'bot', text: '666' })));
    await post(a, { room: 'merge', name: 'bot', text: 'end' });
    const got: ServerFrame[] = [];
    for (let frame = await viewer.next('danmaku'); frame.text !== 'end'; frame = await viewer.next('danmaku'))
      got.push(frame);
    expect(got.every((f) => f.text === '666')).toBe(true);
    expect(got.reduce((n, f) => n + ((f.count as number | undefined) ?? 1), 0)).toBe(10);
    expect((await metric(b, 'onair_realtime_fanout_merged_total')) - mergedBefore).toBe(10 - got.length);
  });

  it('refuses upgrades to unknown paths and bad rooms', async () => {
    const refusal = (url: string) =>
      FrameClient.connect(`ws://127.0.0.1:${a.httpPort}${url}`).catch((err: unknown) => err);
    expect(await refusal('/ws?room=Not%20A%20Slug')).toMatchObject({ status: 400 });
    expect(await refusal('/ws')).toMatchObject({ status: 400 });
    expect(await refusal('/ws?room=ok&token=a.b.c')).toMatchObject({ status: 400 });
    expect(await refusal('/socket?room=ok')).toBeInstanceOf(UpgradeRefusedError);
  });

  it('moderates danmaku like chat: a ban through gRPC on one instance holds on the other, and a delete', async () => {
    const moderation = createClient(onair().moderation.v1.ModerationService, `127.0.0.1:${a.grpcPort}`);
    const poster = await join(b, 'moderated-room', 'mallory');
    const viewer = await join(a, 'moderated-room');
    poster.send({ type: 'danmaku', text: 'spam' });
    const spam = await viewer.next('danmaku');
    // No DANMAKU_SERVICE_TOKEN here: callers on loopback count as services.
    await call((cb) =>
      moderation.Moderate({ room: 'moderated-room', action: { delete: { id: String(spam.id) } } }, cb),
    );
    expect(await viewer.next('deleted')).toMatchObject({ id: spam.id });
    await call((cb) => moderation.Moderate({ room: 'moderated-room', action: { ban: { userId: 'mallory' } } }, cb));
    const refusal = await waitFor(
      async () => {
        poster.send({ type: 'danmaku', text: 'more spam' });
        const answer = await poster.next((f) => f.type === 'error' || f.type === 'danmaku');
        return answer.type === 'error' && answer;
      },
      { timeoutMs: 1000, intervalMs: 50, what: 'BANNED' },
    );
    expect(refusal).toMatchObject({ code: 'BANNED' });
    moderation.close();
  });

  it("pushes a room's viewers over both instances and reports them in Telemetry", async () => {
    await join(a, 'presence-room', 'ann');
    await join(a, 'presence-room');
    const viewer = await join(b, 'presence-room');
    // Each instance publishes and pushes every 5 s: within two intervals b has heard from a.
    expect(await viewer.next((f) => f.type === 'presence' && f.viewers === 3, 15_000)).toEqual({
      v: 1,
      type: 'presence',
      room: 'presence-room',
      viewers: 3,
      users: [{ userId: 'ann', name: 'ann' }],
    });
    const telemetryClient = createClient(onair().telemetry.v1.TelemetryService, `127.0.0.1:${a.grpcPort}`);
    const room = await waitFor(
      async () => {
        const stats = await call<telemetry.GetStatsResponse__Output>((cb) => telemetryClient.GetStats({}, cb));
        return stats.rooms.find((r) => r.room === 'presence-room' && r.roomViewers === 3);
      },
      { timeoutMs: 12_000, what: 'room_viewers 3' },
    );
    telemetryClient.close();
    expect(room).toMatchObject({ viewers: 2, roomViewers: 3 });
  }, 30_000);

  it('reports viewers in Telemetry and serves /healthz and /metrics', async () => {
    await join(a, 'stats-room');
    await join(a, 'stats-room');
    // The rate is over the last 10 s, longer ago than earlier tests may have posted: post here.
    await post(a, { room: 'rate-room', name: 'bot', text: 'counted' });
    const telemetryClient = createClient(onair().telemetry.v1.TelemetryService, `127.0.0.1:${a.grpcPort}`);
    const stats = await call<telemetry.GetStatsResponse__Output>((cb) => telemetryClient.GetStats({}, cb));
    telemetryClient.close();
    expect(stats.service).toBe('danmaku');
    expect(stats.nats).toMatchObject({ connected: true });
    expect(stats.rooms.find((r) => r.room === 'stats-room')).toMatchObject({ viewers: 2, live: false });
    expect(stats.rooms.find((r) => r.room === 'rate-room')?.messagesPerSecond).toBeGreaterThan(0);
    const health = await fetch(`http://127.0.0.1:${a.httpPort}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${a.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^onair_realtime_connections\{service="danmaku"\} \d+$/m);
    expect(metrics).toMatch(/^onair_realtime_messages_rejected_total\{reason="rate_limited",service="danmaku"\} \d+$/m);
    expect(metrics).toMatch(/^onair_realtime_fanout_deliveries_total\{service="danmaku"\} [1-9]\d*$/m);
  });
});
