import { Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type chat, type moderation } from '@onair/proto';
import { call, createClient } from '@onair/grpc-kit';
import { issueToken, type Role } from '@onair/realtime';
import { OnairError } from '@onair/runtime';
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

// Integration: per-user limit, duplicate refusal and per-room overload settings across two built chat instances
// (npx tsc -b services/chat) on one real nats-server.

interface Instance {
  readonly svc: TestService;
  readonly httpPort: number;
  readonly chat: chat.ChatServiceClient;
  readonly moderation: moderation.ModerationServiceClient;
}

const JWT_SECRET = 'limits-test-secret-0123456789abcdef0123';
const SERVICE_TOKEN = 'limits-test-service-token';
/** How soon a room setting made on one instance must hold on the other, ms (the issue: within a second). */
const PROPAGATION_MS = 1000;
const USER_RATE_PER_SEC = 1;
const USER_BURST = 3;
const DUPLICATE_WINDOW_MS = 5000;
const ROOM_BURST = 2;

let nats: TestNats;
let a: Instance;
let b: Instance;
const clients: FrameClient[] = [];

const tokenFor = (name: string, roles: Role[] = ['viewer']): Promise<string> =>
  issueToken(JWT_SECRET, { userId: name, name, roles }, 3_600_000);

async function startInstance(): Promise<Instance> {
  const svc = await startService('chat', {
    CHAT_NATS_URL: nats.url,
    CHAT_JWT_SECRET: JWT_SECRET,
    CHAT_SERVICE_TOKEN: SERVICE_TOKEN,
    CHAT_HOST: '127.0.0.1',
    CHAT_HTTP_PORT: '0',
    CHAT_GRPC_PORT: '0',
    CHAT_LOG_LEVEL: 'debug',
    // The connection's own limit out of the way, so that what answers is the user's, the room's or the duplicate's.
    CHAT_RATE_PER_SEC: '100',
    CHAT_RATE_BURST: '100',
    CHAT_USER_RATE_PER_SEC: String(USER_RATE_PER_SEC),
    CHAT_USER_RATE_BURST: String(USER_BURST),
    CHAT_ROOM_RATE_BURST: String(ROOM_BURST),
    CHAT_DUPLICATE_WINDOW_MS: String(DUPLICATE_WINDOW_MS),
    CHAT_BATCH_WINDOW_MS: '100',
  });
  const address = `127.0.0.1:${svc.port('grpcPort')}`;
  return {
    svc,
    httpPort: svc.port('httpPort'),
    chat: createClient(onair().chat.v1.ChatService, address),
    moderation: createClient(onair().moderation.v1.ModerationService, address),
  };
}

async function join(instance: Instance, room: string, name: string, roles?: Role[]): Promise<FrameClient> {
  const client = await FrameClient.join(roomUrl(instance.httpPort, room), { token: await tokenFor(name, roles) });
  clients.push(client);
  return client;
}

const bearer = (): Metadata => {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${SERVICE_TOKEN}`);
  return metadata;
};

/** Posts `text` and resolves to the first frame after it that is the poster's message or an error. */
async function postAndAnswer(client: FrameClient, text: string): Promise<ServerFrame> {
  client.send({ type: 'message', text });
  return client.next((f) => f.type === 'error' || (f.type === 'message' && f.text === text));
}

/** Posts over gRPC as the service, naming `userId`; resolves to the error it got, or undefined when stored. */
async function grpcPost(
  instance: Instance,
  room: string,
  userId: string,
  text: string,
): Promise<OnairError | undefined> {
  try {
    await call((cb) => instance.chat.PostMessage({ room, name: userId, userId, text }, bearer(), cb));
    return undefined;
  } catch (err) {
    if (err instanceof OnairError) return err;
    throw err;
  }
}

beforeAll(async () => {
  nats = await startNats();
  [a, b] = await Promise.all([startInstance(), startInstance()]);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.terminate();
  for (const instance of [a, b]) {
    instance?.chat.close();
    instance?.moderation.close();
  }
  await Promise.all([a?.svc.stop(), b?.svc.stop()]);
  await nats?.stop();
});

describe('post limits over the socket and gRPC', () => {
  it('limits a user over all its sockets on an instance, saying scope user and when it would pass', async () => {
    const [first, second] = [await join(a, 'user-room', 'ulla'), await join(a, 'user-room', 'ulla')];
    const answers: ServerFrame[] = [];
    for (let i = 0; i < USER_BURST; i++) answers.push(await postAndAnswer(i % 2 ? second : first, `post ${i}`));
    expect(answers.map((f) => f.type)).toEqual(Array(USER_BURST).fill('message'));
    const limited = await postAndAnswer(second, 'one too many');
    expect(limited).toMatchObject({ type: 'error', code: 'RATE_LIMITED', scope: 'user' });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(1000 / USER_RATE_PER_SEC);
    // Another user, and the same user on the other instance (each instance counts its own), still post.
    expect(await postAndAnswer(await join(a, 'user-room', 'other'), 'hello')).toMatchObject({ type: 'message' });
    expect(await postAndAnswer(await join(b, 'user-room', 'ulla'), 'from b')).toMatchObject({ type: 'message' });
    await new Promise((resolve) => setTimeout(resolve, Number(limited.retryAfterMs)));
    expect(await postAndAnswer(second, 'after the wait')).toMatchObject({ type: 'message' });
  });

  it('refuses the same text of the same user as DUPLICATE, over the socket and over gRPC', async () => {
    const dana = await join(b, 'dup-room', 'dana');
    expect(await postAndAnswer(dana, 'Nice  Play')).toMatchObject({ type: 'message' });
    const duplicate = await postAndAnswer(dana, ' nice play ');
    expect(duplicate).toMatchObject({ type: 'error', code: 'DUPLICATE' });
    expect(duplicate.retryAfterMs).toBeGreaterThan(DUPLICATE_WINDOW_MS - 1000);
    expect(duplicate.retryAfterMs).toBeLessThanOrEqual(DUPLICATE_WINDOW_MS);
    expect(duplicate).not.toHaveProperty('scope');
    expect(await postAndAnswer(await join(b, 'dup-room', 'eve'), 'nice play')).toMatchObject({ type: 'message' });

    const refused = await grpcPost(b, 'dup-room', 'dana', 'NICE PLAY');
    expect(refused?.code).toBe('RATE_LIMITED'); // RESOURCE_EXHAUSTED maps back to the first code listed with it.
    expect(refused?.message).toMatch(/^you sent the same text moments ago; .* \(retryAfterMs=\d+\)$/);
    expect(await grpcPost(b, 'dup-room', 'dana', 'something else')).toBeUndefined();
  });
});

describe("a room's overload settings", () => {
  it('set by a moderator on one instance, hold on the other within a second, and go back to the defaults', async () => {
    const room = 'busy-room';
    const mod = await join(a, room, 'mia', ['moderator']);
    const watcher = await join(b, room, 'walt');
    expect(watcher.roomState).toMatchObject({ densityPerSec: 0, mergeIdentical: false, roomRatePerSec: 0 });

    mod.send({ type: 'moderate', action: 'overload', mergeIdentical: true, densityPerSec: 1000, key: 'o-1' });
    expect(await mod.next('moderated')).toMatchObject({ action: 'overload', key: 'o-1' });
    const changed = await watcher.next('room_state', PROPAGATION_MS);
    expect(changed).toMatchObject({ mergeIdentical: true, densityPerSec: 1000, roomRatePerSec: 0 });
    const state = await call<moderation.GetRoomStateResponse__Output>((cb) =>
      b.moderation.GetRoomState({ room }, bearer(), cb),
    );
    expect(state).toMatchObject({ mergeIdentical: true, densityPerSec: 1000, roomRatePerSec: 0, slowModeS: 0 });

    // Merged on b: a post opens a batch window; identical texts from four users inside it go out once, counted.
    expect(await grpcPost(a, room, 'opener', 'opening')).toBeUndefined();
    const posts = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((user) => grpcPost(a, room, user, 'GG')));
    expect(posts).toEqual([undefined, undefined, undefined, undefined]);
    const merged = await watcher.next((f) => f.type === 'message' && f.text === 'GG');
    expect(merged.count).toBeGreaterThanOrEqual(2);

    // A room rate set over gRPC on b limits posts on a, scope room, after the room's burst.
    await call((cb) =>
      b.moderation.Moderate(
        { room, action: { overload: { roomRatePerSec: 1 } }, actor: { userId: 'mia' } },
        bearer(),
        cb,
      ),
    );
    await mod.next((f) => f.type === 'room_state' && f.roomRatePerSec === 1, PROPAGATION_MS);
    const users = Array.from({ length: ROOM_BURST + 1 }, (_, i) => join(a, room, `r${i}`));
    const answers: ServerFrame[] = [];
    for (const user of await Promise.all(users)) answers.push(await postAndAnswer(user, `rate ${answers.length}`));
    expect(answers.slice(0, ROOM_BURST).map((f) => f.type)).toEqual(Array(ROOM_BURST).fill('message'));
    expect(answers[ROOM_BURST]).toMatchObject({ type: 'error', code: 'RATE_LIMITED', scope: 'room' });
    expect(answers[ROOM_BURST]?.retryAfterMs).toBeLessThanOrEqual(1000);
    // The moderator is exempt.
    expect(await postAndAnswer(mod, 'mods still post')).toMatchObject({ type: 'message' });

    mod.send({ type: 'moderate', action: 'overload', reset: true });
    await watcher.next((f) => f.type === 'room_state' && f.mergeIdentical === false, PROPAGATION_MS);
    const joiner = await join(b, room, 'late');
    expect(joiner.roomState).toMatchObject({ densityPerSec: 0, mergeIdentical: false, roomRatePerSec: 0 });
    await waitFor(async () => (await grpcPost(a, room, 'after-reset', `free ${Date.now()}`)) === undefined, {
      timeoutMs: PROPAGATION_MS,
      intervalMs: 50,
      what: 'room rate reset',
    });
  });
});
