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

// Integration: moderation over the socket and over gRPC, across two built chat instances
// (npx tsc -b services/chat) on one real nats-server.

interface Instance {
  readonly svc: TestService;
  readonly httpPort: number;
  readonly moderation: moderation.ModerationServiceClient;
  readonly chat: chat.ChatServiceClient;
}

const JWT_SECRET = 'moderation-test-secret-0123456789abcdef';
const SERVICE_TOKEN = 'moderation-test-service-token';
/** How soon a change made on one instance must hold on the other, ms (the issue: within a second). */
const PROPAGATION_MS = 1000;

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
    // Posts here repeat a text until a rule applies; the post limits are limits.integration.test.ts's.
    CHAT_USER_RATE_PER_SEC: '0',
    CHAT_DUPLICATE_WINDOW_MS: '0',
  });
  const address = `127.0.0.1:${svc.port('grpcPort')}`;
  return {
    svc,
    httpPort: svc.port('httpPort'),
    moderation: createClient(onair().moderation.v1.ModerationService, address),
    chat: createClient(onair().chat.v1.ChatService, address),
  };
}

async function join(instance: Instance, room: string, name: string, roles?: Role[]): Promise<FrameClient> {
  const client = await FrameClient.join(roomUrl(instance.httpPort, room), { token: await tokenFor(name, roles) });
  clients.push(client);
  return client;
}

const bearer = (token = SERVICE_TOKEN): Metadata => {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
};

function moderate(instance: Instance, req: moderation.ModerateRequest, metadata = bearer()): Promise<unknown> {
  return call((cb) => instance.moderation.Moderate(req, metadata, cb));
}

function auditLog(instance: Instance, room: string): Promise<moderation.GetAuditLogResponse__Output> {
  return call((cb) => instance.moderation.GetAuditLog({ room }, bearer(), cb));
}

/** Sends a post and resolves to the first frame after it that is the poster's message or an error. */
async function postAndAnswer(client: FrameClient, text: string): Promise<ServerFrame> {
  client.send({ type: 'message', text });
  return client.next((f) => f.type === 'error' || (f.type === 'message' && f.text !== undefined));
}

/** Posts until the rules answer with `code` (a change made on the other instance arriving), within a second. */
function refusedWithin(client: FrameClient, code: string, text = 'again'): Promise<ServerFrame> {
  return waitFor(
    async () => {
      const answer = await postAndAnswer(client, text);
      return answer.type === 'error' && answer.code === code && answer;
    },
    { timeoutMs: PROPAGATION_MS, intervalMs: 50, what: code },
  );
}

beforeAll(async () => {
  nats = await startNats();
  [a, b] = await Promise.all([startInstance(), startInstance()]);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.terminate();
  for (const instance of [a, b]) {
    instance?.moderation.close();
    instance?.chat.close();
  }
  await Promise.all([a?.svc.stop(), b?.svc.stop()]);
  await nats?.stop();
});

describe('chat moderation across two instances', () => {
  it('holds a ban set through gRPC on one instance on the other, audits it, and keeps it over a restart', async () => {
    const poster = await join(b, 'ban-room', 'mallory');
    expect(await postAndAnswer(poster, 'before')).toMatchObject({ type: 'message', text: 'before' });
    await moderate(a, {
      room: 'ban-room',
      action: { ban: { userId: 'mallory' } },
      reason: 'spam links',
      actor: { userId: 'mod-7', name: 'Dana' },
    });
    expect(await refusedWithin(poster, 'BANNED')).toMatchObject({ message: 'you are banned from this room' });
    const { entries } = await auditLog(b, 'ban-room');
    expect(entries).toMatchObject([
      {
        room: 'ban-room',
        actor: { userId: 'mod-7', name: 'Dana' },
        action: { kind: 'ban', ban: { userId: 'mallory' } },
        reason: 'spam links',
      },
    ]);
    expect(entries[0]?.atMs).toBeGreaterThan(Date.now() - 60_000);
    await b.svc.stop();
    b = await startInstance();
    const again = await join(b, 'ban-room', 'mallory');
    expect(await postAndAnswer(again, 'after restart')).toMatchObject({ type: 'error', code: 'BANNED' });
  });

  it('refuses gRPC moderation without the service token or an admin token', async () => {
    const req = { room: 'auth-room', action: { clear: {} } };
    await expect(moderate(a, req, new Metadata())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(moderate(a, req, bearer('wrong'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(moderate(a, req, bearer(await tokenFor('mod', ['moderator'])))).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    await expect(moderate(a, req, bearer(await tokenFor('root', ['admin'])))).resolves.toEqual({});
    await expect(moderate(a, { room: 'auth-room', action: {} })).rejects.toBeInstanceOf(OnairError);
  });

  it('times out over the socket, with the end; a viewer may not moderate', async () => {
    const mod = await join(a, 'timeout-room', 'mo', ['moderator']);
    const viewer = await join(b, 'timeout-room', 'vic');
    viewer.send({ type: 'moderate', action: 'ban', userId: 'mo' });
    expect(await viewer.next('error')).toMatchObject({ code: 'FORBIDDEN' });
    const before = Date.now();
    mod.send({ type: 'moderate', action: 'timeout', userId: 'vic', seconds: 60, key: 't1' });
    expect(await mod.next('moderated')).toEqual({ v: 1, type: 'moderated', action: 'timeout', key: 't1' });
    const refusal = await refusedWithin(viewer, 'BANNED');
    expect(refusal.untilMs).toBeGreaterThanOrEqual(before + 60_000);
    mod.send({ type: 'moderate', action: 'unban', userId: 'vic' });
    await mod.next('moderated');
    await waitFor(async () => (await postAndAnswer(viewer, 'free')).type === 'message', {
      timeoutMs: PROPAGATION_MS,
      intervalMs: 50,
    });
  });

  it('deletes a message for viewers on both instances and from the history', async () => {
    const mod = await join(a, 'delete-room', 'mo', ['moderator']);
    const viewer = await join(b, 'delete-room', 'vic');
    const posted = await postAndAnswer(viewer, 'regrettable');
    await mod.next((f) => f.type === 'message' && f.id === posted.id);
    mod.send({ type: 'moderate', action: 'delete', id: posted.id });
    expect(await viewer.next('deleted')).toMatchObject({ type: 'deleted', room: 'delete-room', id: posted.id });
    expect(await mod.next('deleted')).toMatchObject({ id: posted.id });
    const { messages } = await call<chat.GetHistoryResponse__Output>((cb) =>
      b.chat.GetHistory({ room: 'delete-room' }, cb),
    );
    expect(messages.map((m) => m.id)).not.toContain(posted.id);
  });

  it('clears the room: viewers told, history empty', async () => {
    const viewer = await join(b, 'clear-room', 'vic');
    await postAndAnswer(viewer, 'one');
    await moderate(a, { room: 'clear-room', action: { clear: {} } });
    expect(await viewer.next('cleared')).toMatchObject({ type: 'cleared', room: 'clear-room' });
    const late = await FrameClient.join(roomUrl(a.httpPort, 'clear-room'));
    clients.push(late);
    const { messages } = await call<chat.GetHistoryResponse__Output>((cb) =>
      a.chat.GetHistory({ room: 'clear-room' }, cb),
    );
    expect(messages).toEqual([]);
  });

  it('enforces slow mode set on one instance on the other and tells viewers the room state', async () => {
    const mod = await join(b, 'slow-room', 'mo', ['moderator']);
    const viewer = await join(a, 'slow-room', 'vic');
    mod.send({ type: 'moderate', action: 'slow', seconds: 30 });
    expect(await viewer.next('room_state')).toMatchObject({ room: 'slow-room', slowModeS: 30, mode: 'everyone' });
    expect(await postAndAnswer(viewer, 'first')).toMatchObject({ type: 'message' });
    const refusal = await postAndAnswer(viewer, 'second');
    expect(refusal).toMatchObject({ type: 'error', code: 'SLOW_MODE' });
    expect(refusal.waitMs).toBeGreaterThan(25_000);
    expect(await postAndAnswer(mod, 'moderators are exempt')).toMatchObject({ type: 'message' });
    const other = await join(b, 'slow-room', 'vic');
    expect(await postAndAnswer(other, 'same user, other instance')).toMatchObject({ code: 'SLOW_MODE' });
  });

  it('keeps subscribers-only rooms to subscribers', async () => {
    await moderate(a, { room: 'subs-room', action: { subscribers: { on: true } } });
    const viewer = await join(b, 'subs-room', 'vic');
    const subscriber = await join(b, 'subs-room', 'sue', ['subscriber']);
    expect(viewer.roomState).toMatchObject({ mode: 'subscribers' });
    expect(await postAndAnswer(viewer, 'hi')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await postAndAnswer(subscriber, 'hi')).toMatchObject({ type: 'message', text: 'hi' });
  });

  it('masks, refuses and holds blocked terms; a moderator on the other instance approves the held post', async () => {
    const mod = await join(a, 'terms-room', 'mo', ['moderator']);
    for (const [term, termAction] of [
      ['darn', 'mask'],
      ['scam', 'refuse'],
      ['link', 'hold'],
    ] as const) {
      mod.send({ type: 'moderate', action: 'block_term', term, termAction });
      await mod.next('moderated');
    }
    const viewer = await join(b, 'terms-room', 'vic');
    expect(viewer.roomState).toMatchObject({ blockedTerms: 3 });
    // The terms' matcher is rebuilt shortly after a change (50 ms), within the second the issue allows.
    const masked = await waitFor(
      async () => {
        const answer = await postAndAnswer(viewer, 'oh DARN it');
        return answer.text !== 'oh DARN it' && answer;
      },
      { timeoutMs: PROPAGATION_MS, intervalMs: 50, what: 'masked' },
    );
    expect(masked).toMatchObject({ type: 'message', text: 'oh **** it' });
    // The matcher may have been rebuilt before the last term arrived (a CI run under load saw it): wait for that one.
    expect(await refusedWithin(viewer, 'HELD_FOR_REVIEW', 'my link')).toMatchObject({ code: 'HELD_FOR_REVIEW' });
    expect(await postAndAnswer(viewer, 'a scam')).toMatchObject({ code: 'BLOCKED_TERM' });
    const held = await mod.next('held');
    expect(held.message).toMatchObject({ text: 'my link', userId: 'vic', name: 'vic' });
    const { posts } = await call<moderation.ListHeldResponse__Output>((cb) =>
      b.moderation.ListHeld({ room: 'terms-room' }, bearer(), cb),
    );
    expect(posts).toMatchObject([{ text: 'my link', userId: 'vic' }]);
    const id = (held.message as { id: string }).id;
    mod.send({ type: 'moderate', action: 'approve', id });
    expect(await viewer.next('message')).toMatchObject({ id, text: 'my link' });
    expect(await mod.next('released')).toMatchObject({ id });
  });

  it('answers a bad action with INVALID_ARGUMENT naming the field, and keeps the socket', async () => {
    const mod = await join(a, 'bad-room', 'mo', ['moderator']);
    mod.send({ type: 'moderate', action: 'timeout', userId: 'vic', seconds: 0 });
    expect(await mod.next('error')).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'seconds' });
    mod.send({ type: 'moderate', action: 'explode' });
    expect(await mod.next('error')).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await postAndAnswer(mod, 'still here')).toMatchObject({ type: 'message' });
  });
});
