import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type chat } from '@onair/proto';
import { call, createClient } from '@onair/grpc-kit';
import { connectNats, jetstream, jetstreamManager, type NatsConnection } from '@onair/nats-kit';
import { issueToken } from '@onair/realtime';
import { createLogger, OnairError } from '@onair/runtime';
import {
  FrameClient,
  roomUrl,
  type ServerFrame,
  startNats,
  startService,
  waitFor,
  type TestNats,
  type TestService,
} from '@onair/testing';

// Integration: two built chat instances (npx tsc -b services/chat) on one real nats-server.

const HISTORY_SIZE = 5;

interface Instance {
  readonly svc: TestService;
  readonly httpPort: number;
  readonly client: chat.ChatServiceClient;
}

let nats: TestNats;
let nc: NatsConnection;
let a: Instance;
let b: Instance;
const clients: FrameClient[] = [];
const JWT_SECRET = 'integration-test-secret-0123456789abcdef';

/** A viewer token for user `name` (user id = name), good for an hour. */
const tokenFor = (name: string): Promise<string> =>
  issueToken(JWT_SECRET, { userId: name, name, roles: ['viewer'] }, 3_600_000);

async function startInstance(): Promise<Instance> {
  const svc = await startService('chat', {
    CHAT_NATS_URL: nats.url,
    CHAT_JWT_SECRET: JWT_SECRET,
    CHAT_HOST: '127.0.0.1',
    CHAT_HTTP_PORT: '0',
    CHAT_GRPC_PORT: '0',
    CHAT_HISTORY_SIZE: String(HISTORY_SIZE),
    // One user posts through many of these tests; the per-user limits are limits.integration.test.ts's.
    CHAT_USER_RATE_PER_SEC: '0',
    CHAT_LOG_LEVEL: 'debug',
  });
  const [httpPort, grpcPort] = [svc.port('httpPort'), svc.port('grpcPort')];
  return { svc, httpPort, client: createClient(onair().chat.v1.ChatService, `127.0.0.1:${grpcPort}`) };
}

/** Opens a socket and says hello as a reader, without waiting for anything. */
async function connect(instance: Instance, room: string): Promise<FrameClient> {
  const client = await FrameClient.connect(roomUrl(instance.httpPort, room));
  client.send({ type: 'hello' });
  clients.push(client);
  return client;
}

/** Connects a viewer (with a token naming `name` when given) and waits for its welcome (after the history). */
async function join(instance: Instance, room: string, name?: string): Promise<FrameClient> {
  const hello = name === undefined ? {} : { token: await tokenFor(name) };
  const client = await FrameClient.join(roomUrl(instance.httpPort, room), hello);
  clients.push(client);
  return client;
}

function post(instance: Instance, req: chat.PostMessageRequest): Promise<chat.PostMessageResponse__Output> {
  return call((cb) => instance.client.PostMessage(req, cb));
}

const texts = (frame: ServerFrame): unknown[] => (frame.messages as Array<{ text: string }>).map((m) => m.text);

beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({
    servers: nats.url,
    name: 'chat-test',
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  [a, b] = await Promise.all([startInstance(), startInstance()]);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.terminate();
  a?.client.close();
  b?.client.close();
  await nc?.close();
  await Promise.all([a?.svc.stop(), b?.svc.stop()]);
  await nats?.stop();
});

describe('chat service', () => {
  it('delivers a message sent on one instance to viewers on the other', async () => {
    const viewer = await join(b, 'cross');
    const sender = await join(a, 'cross', 'alice');
    sender.send({ type: 'message', text: 'hi from a' });
    const got = await viewer.next('message');
    expect(got).toMatchObject({ v: 1, type: 'message', room: 'cross', name: 'alice', text: 'hi from a' });
    expect(await sender.next('message')).toEqual(got);
  });

  it('gives a late joiner the room history first, then the welcome, then live messages', async () => {
    const sender = await join(a, 'late', 'alice');
    for (const text of ['first', 'second', 'third']) {
      sender.send({ type: 'message', text });
      await sender.next('message');
    }
    const late = await connect(b, 'late');
    const history = await late.next();
    expect(history).toMatchObject({ v: 1, type: 'history' });
    expect(texts(history)).toEqual(['first', 'second', 'third']);
    expect(history.messages).toEqual([
      expect.objectContaining({ type: 'message', room: 'late', name: 'alice' }),
      expect.anything(),
      expect.anything(),
    ]);
    expect(await late.next()).toMatchObject({ type: 'welcome', room: 'late', user: null });
    expect(await late.next()).toMatchObject({ type: 'room_state', room: 'late', slowModeS: 0, guests: false });
    sender.send({ type: 'message', text: 'fourth' });
    expect(await late.next()).toMatchObject({ type: 'message', text: 'fourth' });
  });

  it('gives a viewer back with since the messages it missed, then live ones, none twice', async () => {
    const viewer = await join(b, 'recover');
    await post(a, { room: 'recover', name: 'bot', text: 'seen' });
    const seen = await viewer.next('message');
    expect(seen.seq).toEqual(expect.any(Number));
    viewer.terminate();
    for (const text of ['missed 1', 'missed 2']) await post(a, { room: 'recover', name: 'bot', text });

    const back = await FrameClient.connect(roomUrl(b.httpPort, 'recover'));
    clients.push(back);
    back.send({ type: 'hello', since: seen.seq });
    const missed = [await back.next(), await back.next()];
    expect(missed.map((m) => m.text)).toEqual(['missed 1', 'missed 2']);
    expect(missed[0]!.seq).toBeGreaterThan(seen.seq as number);
    expect(await back.next()).toEqual({ v: 1, type: 'recovered', complete: true, count: 2 });
    expect(await back.next()).toMatchObject({ type: 'welcome', room: 'recover' });
    expect(await back.next()).toMatchObject({ type: 'room_state', room: 'recover' });
    await post(b, { room: 'recover', name: 'bot', text: 'live' });
    const live = await back.next();
    expect(live).toMatchObject({ type: 'message', text: 'live' });
    expect(live.seq).toBeGreaterThan(missed[1]!.seq as number);
  });

  it('keeps the last HISTORY_SIZE messages of a room, readable right after the ack', async () => {
    for (let i = 1; i <= 7; i++) await post(i % 2 === 0 ? a : b, { room: 'busy', name: 'bot', text: `m${i}` });
    const late = await connect(a, 'busy');
    expect(texts(await late.next('history'))).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
    const all = await call<chat.GetHistoryResponse__Output>((cb) => b.client.GetHistory({ room: 'busy' }, cb));
    expect(all.messages.map((m) => m.text)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
    const two = await call<chat.GetHistoryResponse__Output>((cb) =>
      b.client.GetHistory({ room: 'busy', limit: 2 }, cb),
    );
    expect(two.messages.map((m) => m.text)).toEqual(['m6', 'm7']);
    const empty = await connect(b, 'quiet');
    expect(await empty.next()).toMatchObject({ type: 'history', messages: [] });
  });

  it('posts over gRPC to WebSocket viewers of every instance', async () => {
    const onA = await join(a, 'grpc-room');
    const onB = await join(b, 'grpc-room');
    const { message } = await post(b, { room: 'grpc-room', name: 'bot', text: 'from grpc' });
    expect(message).toMatchObject({ room: 'grpc-room', name: 'bot', text: 'from grpc' });
    for (const viewer of [onA, onB])
      expect(await viewer.next('message')).toMatchObject({ id: message?.id, sentAtMs: message?.sentAtMs });
    const refused = await post(a, { room: 'grpc-room', name: '', text: 'nameless' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(OnairError);
    expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'name: name must not be empty' });
  });

  it('answers a post the stream refuses with UNAVAILABLE and delivers it to nobody', async () => {
    const viewer = await join(b, 'refused');
    const sender = await join(a, 'refused', 'alice');
    const jsm = await jetstreamManager(nc);
    await jsm.streams.update('CHAT', { max_msg_size: 64 });
    try {
      sender.send({ type: 'message', text: 'never stored', key: 'try-1' });
      expect(await sender.next()).toMatchObject({ type: 'error', code: 'UNAVAILABLE', key: 'try-1' });
    } finally {
      await jsm.streams.update('CHAT', { max_msg_size: -1 });
    }
    sender.send({ type: 'message', text: 'stored', key: 'try-1' });
    for (const client of [viewer, sender])
      expect(await client.next()).toMatchObject({ type: 'message', text: 'stored' });
  });

  it('delivers a post resent with the same key once', async () => {
    const viewer = await join(b, 'resent');
    const sender = await join(a, 'resent', 'alice');
    sender.send({ type: 'message', text: 'once', key: 'post-1' });
    sender.send({ type: 'message', text: 'once', key: 'post-1' });
    sender.send({ type: 'message', text: 'after the resend' });
    expect(await viewer.next()).toMatchObject({ type: 'message', text: 'once' });
    expect(await viewer.next()).toMatchObject({ type: 'message', text: 'after the resend' });
  });

  it('delivers a message stored again under the same message id (a store retried after a lost ack) once', async () => {
    const viewer = await join(b, 'restored');
    const message = {
      v: 1,
      type: 'message',
      id: randomUUID(),
      room: 'restored',
      name: 'bot',
      text: 'twice',
      sentAtMs: 1,
    };
    const js = jetstream(nc);
    const stored = await js.publish('chat.room.restored', JSON.stringify(message), { msgID: message.id });
    expect((await js.publish('chat.room.restored', JSON.stringify(message), { msgID: message.id })).duplicate).toBe(
      true,
    );
    await post(a, { room: 'restored', name: 'bot', text: 'after the retried store' });
    expect(await viewer.next()).toEqual({ seq: stored.seq, ...message });
    expect(await viewer.next()).toMatchObject({ type: 'message', text: 'after the retried store' });
  });

  it('feeds a room from one consumer per instance with viewers, deleted after its last viewer leaves', async () => {
    const jsm = await jetstreamManager(nc);
    const feeds = async () =>
      (await jsm.consumers.list('CHAT').next()).filter((c) => c.config.filter_subject === 'chat.room.feeds').length;
    const viewers = await Promise.all([join(a, 'feeds'), join(a, 'feeds'), join(b, 'feeds')]);
    expect(await feeds()).toBe(2);
    await Promise.all(viewers.map((viewer) => viewer.close()));
    await waitFor(async () => (await feeds()) === 0, { what: 'the room consumers to be deleted' });
  });

  it('needs a token to post, verified with the configured secret', async () => {
    const client = await join(a, 'hello-room');
    client.send({ type: 'message', text: 'too early' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED' });
    const forged = await issueToken(
      'another-secret-0123456789abcdefghij',
      { userId: 'erin', name: 'erin', roles: ['admin'] },
      60_000,
    );
    client.send({ type: 'hello', token: forged });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED', field: 'token' });
    client.send({ type: 'hello', token: await tokenFor('erin') });
    expect(await client.next()).toMatchObject({ type: 'welcome', user: { name: 'erin' } });
    client.send({ type: 'message', text: 'now' });
    expect(await client.next()).toMatchObject({ type: 'message', name: 'erin', userId: 'erin', text: 'now' });
  });

  it('round-trips an HTML/JS payload byte for byte, as text', async () => {
    const viewer = await join(b, 'payload');
    const sender = await join(a, 'payload', 'mallory');
    const payload = '<img src=x onerror="alert(1)"><script>alert(\'x\')</script> &amp; "quoted"';
    sender.send({ type: 'message', text: payload });
    expect(await viewer.next('message')).toMatchObject({ text: payload });
  });

  it('answers bad input with an error frame and keeps the socket usable', async () => {
    const client = await join(a, 'bad-input', 'erin');
    client.send({ type: 'message', text: 'x'.repeat(501) });
    expect(await client.next()).toMatchObject({
      type: 'error',
      code: 'INVALID_ARGUMENT',
      field: 'text',
      message: 'text must be at most 500 characters',
    });
    client.send('{"type":"message",');
    expect(await client.next()).toMatchObject({
      type: 'error',
      code: 'INVALID_ARGUMENT',
      message: 'frame is not valid JSON',
    });
    client.send({ type: 'message', text: 'ok now' });
    expect(await client.next()).toMatchObject({ type: 'message', name: 'erin', text: 'ok now' });
  });

  it('closes a socket that sends an oversize frame with 1009', async () => {
    const client = await join(a, 'oversize', 'frank');
    client.send({ type: 'message', text: 'y'.repeat(4096) });
    expect((await client.closed).code).toBe(1009);
  });

  it('rate-limits a flooding client while another in the room keeps sending', async () => {
    const flooder = await join(a, 'flood', 'flooder');
    const calm = await join(a, 'flood', 'calm');
    const viewer = await join(b, 'flood');
    for (let i = 0; i < 20; i++) flooder.send({ type: 'message', text: `spam ${i}` });
    await waitFor(() => flooder.pending().filter((f) => f.type === 'error' && f.code === 'RATE_LIMITED').length >= 10, {
      what: 'RATE_LIMITED frames',
    });
    calm.send({ type: 'message', text: 'calm' });
    expect(await viewer.next((f) => f.type === 'message' && f.name === 'calm')).toMatchObject({ text: 'calm' });
  });
});
