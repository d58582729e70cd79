import { get, type ClientRequest } from 'node:http';
import { Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type moderation } from '@onair/proto';
import { call, createClient, createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { createLogger } from '@onair/runtime';
import { startMonitoring, startNats, startService, waitFor, type TestNats, type TestService } from '@onair/testing';
import type { ModerationAction, ModerationActions } from './status/status-types.js';

// Integration: real nats-server, real chat and danmaku builds (each with its SERVICE_TOKEN), a stand-in ingest
// (a real gRPC server reporting the room live), and two real monitoring processes: one sending the right tokens, one
// a wrong chat token. A moderator's actions through ModerationService.Moderate reach the first one's
// GET /api/moderation and its event stream; the second gets nothing from chat and says so in its log.

const ROOM = 'mod-room';
const JWT_SECRET = 'monitoring-moderation-test-secret-0123456789';
const CHAT_TOKEN = 'chat-service-token-4f1a9c';
const DANMAKU_TOKEN = 'danmaku-service-token-8e2b07';
const WRONG_TOKEN = 'not-the-chat-token-77c1';
/** The collectors' poll interval here, ms. */
const MODERATION_POLL_MS = 300;
const log = createLogger({ service: 'test', level: 'silent' });

/** A `GET /api/events` stream read as text. */
function openEvents(url: string): Promise<{ req: ClientRequest; text: () => string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = get(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      resolve({ req, text: () => text });
    });
    req.on('error', reject);
  });
}

/** The `moderation` events' actions in an event stream's text so far. */
const streamedActions = (text: string): ModerationAction[] =>
  [...text.matchAll(/^event: moderation\ndata: (.*)$/gm)].flatMap(
    (m) => (JSON.parse(m[1] ?? '{}') as ModerationActions).actions,
  );

describe('moderation actions through monitoring', () => {
  let nats: TestNats;
  let chat: TestService;
  let danmaku: TestService;
  let ingest: GrpcServer;
  let monitoring: TestService;
  let wrongToken: TestService;
  const clients: moderation.ModerationServiceClient[] = [];

  const moderate = (svc: TestService, token: string, req: moderation.ModerateRequest): Promise<unknown> => {
    const client = createClient(onair().moderation.v1.ModerationService, `127.0.0.1:${svc.port('grpcPort')}`);
    clients.push(client);
    const md = new Metadata();
    md.set('authorization', `Bearer ${token}`);
    return call((cb) => client.Moderate(req, md, cb));
  };
  const actionsOf = async (m: TestService): Promise<ModerationAction[]> =>
    ((await (await fetch(`http://127.0.0.1:${m.port('httpPort')}/api/moderation`)).json()) as ModerationActions)
      .actions;

  beforeAll(async () => {
    nats = await startNats();
    const realtime = (name: string, p: string, token: string): Promise<TestService> =>
      startService(name, {
        [`${p}NATS_URL`]: nats.url,
        [`${p}JWT_SECRET`]: JWT_SECRET,
        [`${p}SERVICE_TOKEN`]: token,
        [`${p}HOST`]: '127.0.0.1',
        [`${p}HTTP_PORT`]: '0',
        [`${p}GRPC_PORT`]: '0',
      });
    [chat, danmaku] = await Promise.all([
      realtime('chat', 'CHAT_', CHAT_TOKEN),
      realtime('danmaku', 'DANMAKU_', DANMAKU_TOKEN),
    ]);
    ingest = createGrpcServer({
      log,
      service: 'ingest',
      roomStats: () => [{ room: ROOM, live: true, publishStartedAtMs: Date.now() - 10_000 }],
    });
    const targets = [
      `ingest=127.0.0.1:${await ingest.listen('127.0.0.1', 0)}`,
      `chat=127.0.0.1:${chat.port('grpcPort')}`,
      `danmaku=127.0.0.1:${danmaku.port('grpcPort')}`,
    ];
    const env = {
      MONITORING_POLL_MS: '250',
      MONITORING_MODERATION_POLL_MS: String(MODERATION_POLL_MS),
      MONITORING_THUMBNAILS: 'false',
      MONITORING_DANMAKU_SERVICE_TOKEN: DANMAKU_TOKEN,
    };
    [monitoring, wrongToken] = await Promise.all([
      startMonitoring(targets, { ...env, MONITORING_CHAT_SERVICE_TOKEN: CHAT_TOKEN }),
      startMonitoring(targets, { ...env, MONITORING_CHAT_SERVICE_TOKEN: WRONG_TOKEN }),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all([monitoring?.stop(), wrongToken?.stop()]);
    await Promise.all([chat?.stop(), danmaku?.stop(), ingest?.stop(1000)]);
    await nats?.stop();
  });

  it("shows a moderator's timeout and ban at /api/moderation and on the event stream, once each", async () => {
    const events = await openEvents(`http://127.0.0.1:${monitoring.port('httpPort')}/api/events`);
    try {
      await waitFor(() => events.text().includes('event: snapshot'), { what: 'the snapshot' });
      const actor = { userId: 'mod-7', name: 'Dana' };
      const askedMs = Date.now();
      await moderate(chat, CHAT_TOKEN, {
        room: ROOM,
        action: { timeout: { userId: 'u-1842', seconds: 600 } },
        reason: 'spam',
        actor,
      });
      await moderate(danmaku, DANMAKU_TOKEN, { room: ROOM, action: { ban: { userId: 'u-99' } }, actor });
      const expected = [
        { service: 'chat', room: ROOM, action: 'timeout', detail: '600 s', actor: 'Dana', target: 'u-1842' },
        { service: 'danmaku', room: ROOM, action: 'ban', detail: '', actor: 'Dana', target: 'u-99' },
      ];
      const streamed = await waitFor(() => streamedActions(events.text()).length >= 2 && events.text(), {
        timeoutMs: 10_000,
        what: 'both actions on the event stream',
      });
      const tookMs = Date.now() - askedMs;
      console.log(`moderation action → SSE event: ${tookMs} ms (poll ${MODERATION_POLL_MS} ms)`);
      expect(tookMs).toBeLessThan(MODERATION_POLL_MS + 5000);
      const sorted = (a: ModerationAction[]) => [...a].sort((x, y) => x.service.localeCompare(y.service));
      const matchers: unknown[] = expected.map((e) => expect.objectContaining(e) as unknown);
      expect(sorted(streamedActions(streamed))).toEqual(matchers);
      expect(sorted(await actionsOf(monitoring))).toEqual(matchers);
      expect((await actionsOf(monitoring)).find((a) => a.service === 'chat')).toMatchObject({ reason: 'spam' });

      // Later polls answer the same audit log again: nothing is added or streamed twice.
      await new Promise((r) => setTimeout(r, MODERATION_POLL_MS * 4));
      expect(streamedActions(events.text())).toHaveLength(2);
      expect(await actionsOf(monitoring)).toHaveLength(2);

      // A new monitoring dashboard gets them in its snapshot.
      const late = await openEvents(`http://127.0.0.1:${monitoring.port('httpPort')}/api/events`);
      try {
        const text = await waitFor(() => /^event: snapshot\ndata: .*\n\n/m.test(late.text()) && late.text(), {
          what: 'the late snapshot',
        });
        const snapshot = JSON.parse(/^event: snapshot\ndata: (.*)$/m.exec(text)?.[1] ?? '{}') as {
          moderation: ModerationAction[];
        };
        expect(snapshot.moderation).toHaveLength(2);
      } finally {
        late.req.destroy();
      }
    } finally {
      events.req.destroy();
    }
  }, 30_000);

  it('gets nothing from chat with a wrong token, and logs why without the token', async () => {
    await waitFor(() => wrongToken.logs().some((l) => l.msg === 'moderation audit log refused: check the token'), {
      what: 'the refusal in the log',
    });
    const refusals = wrongToken.logs().filter((l) => l.msg === 'moderation audit log refused: check the token');
    expect(refusals).toEqual([
      expect.objectContaining({
        target: 'chat',
        code: 'UNAUTHENTICATED',
        variable: 'MONITORING_CHAT_SERVICE_TOKEN',
        room: ROOM,
      }),
    ]);
    await waitFor(async () => (await actionsOf(wrongToken)).some((a) => a.service === 'danmaku'), {
      what: 'the danmaku action',
    });
    expect((await actionsOf(wrongToken)).map((a) => a.service)).toEqual(['danmaku']);
    for (const m of [monitoring, wrongToken]) {
      const out = m.output();
      for (const token of [CHAT_TOKEN, DANMAKU_TOKEN, WRONG_TOKEN]) expect(out).not.toContain(token);
    }
  });
});
