import { Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type chat } from '@onair/proto';
import { call, createClient } from '@onair/grpc-kit';
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

// Integration: recovery without gaps, as the issue states it: a viewer drops its socket, 500 messages are posted
// across two built chat instances (npx tsc -b services/chat), and it comes back with `since` on either instance.

interface Instance {
  readonly svc: TestService;
  readonly httpPort: number;
  readonly chat: chat.ChatServiceClient;
}

const SERVICE_TOKEN = 'recovery-test-service-token';
const MISSED = 500;

let nats: TestNats;
let a: Instance;
let b: Instance;
const clients: FrameClient[] = [];

async function startInstance(): Promise<Instance> {
  const svc = await startService('chat', {
    CHAT_NATS_URL: nats.url,
    CHAT_SERVICE_TOKEN: SERVICE_TOKEN,
    CHAT_HOST: '127.0.0.1',
    CHAT_HTTP_PORT: '0',
    CHAT_GRPC_PORT: '0',
    CHAT_LOG_LEVEL: 'info',
  });
  const chatClient = createClient(onair().chat.v1.ChatService, `127.0.0.1:${svc.port('grpcPort')}`);
  return { svc, httpPort: svc.port('httpPort'), chat: chatClient };
}

const metadata = (): Metadata => {
  const m = new Metadata();
  m.set('authorization', `Bearer ${SERVICE_TOKEN}`);
  return m;
};

function post(instance: Instance, room: string, text: string): Promise<chat.PostMessageResponse__Output> {
  return call((cb) => instance.chat.PostMessage({ room, name: 'bot', text }, metadata(), cb));
}

/** Posts `texts` in order, alternating between the two instances, each once stored. */
async function postAcross(room: string, texts: string[]): Promise<void> {
  for (const [i, text] of texts.entries()) await post(i % 2 === 0 ? a : b, room, text);
}

/** A viewer that has seen one message of `room` on `instance`; resolves to it and the seq it saw. */
async function viewerThatSawOne(instance: Instance, room: string): Promise<{ viewer: FrameClient; seq: number }> {
  const viewer = await FrameClient.join(roomUrl(instance.httpPort, room));
  clients.push(viewer);
  await post(instance, room, 'seen');
  const seen = await viewer.next('message');
  return { viewer, seq: seen.seq as number };
}

/** Reconnects with `since`, returning the frames before `recovered`, the recovered frame, and the client. */
async function comeBack(
  instance: Instance,
  room: string,
  since: number,
): Promise<{ frames: ServerFrame[]; recovered: ServerFrame; client: FrameClient }> {
  const client = await FrameClient.connect(roomUrl(instance.httpPort, room));
  clients.push(client);
  client.send({ type: 'hello', since });
  const frames: ServerFrame[] = [];
  for (;;) {
    const frame = await client.next();
    if (frame.type === 'recovered') return { frames, recovered: frame, client };
    frames.push(frame);
  }
}

const texts = (count: number, prefix: string): string[] => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

beforeAll(async () => {
  nats = await startNats();
  [a, b] = await Promise.all([startInstance(), startInstance()]);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.terminate();
  a?.chat.close();
  b?.chat.close();
  await Promise.all([a?.svc.stop(), b?.svc.stop()]);
  await nats?.stop();
});

describe('chat recovery across two instances', () => {
  it('gives a viewer that dropped exactly the 500 messages posted across both instances, in order, then live', async () => {
    const { viewer, seq } = await viewerThatSawOne(a, 'gap-room');
    viewer.terminate();
    const missed = texts(MISSED, 'missed');
    await postAcross('gap-room', missed);
    const { frames, recovered, client } = await comeBack(b, 'gap-room', seq);
    expect(frames.map((f) => f.text)).toEqual(missed);
    const seqs = frames.map((f) => f.seq as number);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(MISSED);
    expect(recovered).toEqual({ v: 1, type: 'recovered', complete: true, count: MISSED });
    expect(await client.next()).toMatchObject({ type: 'welcome' });
    await post(a, 'gap-room', 'live');
    expect(await client.next('message')).toMatchObject({ text: 'live' });
  }, 60_000);

  it('does the same across a nats-server restart in the middle of the gap', async () => {
    const { viewer, seq } = await viewerThatSawOne(b, 'restart-room');
    viewer.terminate();
    const before = texts(MISSED / 2, 'before');
    const after = texts(MISSED / 2, 'after');
    await postAcross('restart-room', before);
    await nats.restart();
    // Both instances reconnect by themselves: wait until each stores a post again (in another room).
    await waitFor(
      async () => {
        try {
          await postAcross('probe-room', ['probe a', 'probe b']);
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'both instances posting again' },
    );
    await postAcross('restart-room', after);
    const { frames, recovered } = await comeBack(a, 'restart-room', seq);
    expect(frames.map((f) => f.text)).toEqual([...before, ...after]);
    expect(recovered).toMatchObject({ complete: true, count: MISSED });
  }, 90_000);
});
