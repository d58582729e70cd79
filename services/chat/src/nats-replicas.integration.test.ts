import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type chat } from '@onair/proto';
import { call, createClient } from '@onair/grpc-kit';
import { connectNats, jetstreamManager, type JetStreamManager, type NatsConnection } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNatsCluster, startService, waitFor, type TestNatsCluster, type TestService } from '@onair/testing';

// The built chat service on a real 3-node NATS JetStream cluster with CHAT_NATS_REPLICAS=3: its streams and bucket
// have three copies, and losing a node (killed, not stopped) loses neither posts nor history.

const ROOM = 'replicated';

describe('chat on a 3-node NATS cluster with replicas 3', () => {
  let cluster: TestNatsCluster;
  let svc: TestService;
  let client: chat.ChatServiceClient;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  const post = (text: string): Promise<chat.PostMessageResponse__Output> =>
    call((cb) => client.PostMessage({ room: ROOM, name: 'bot', text }, cb));
  const history = async (): Promise<string[]> =>
    (await call<chat.GetHistoryResponse__Output>((cb) => client.GetHistory({ room: ROOM }, cb))).messages.map(
      (m) => m.text,
    );

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    svc = await startService('chat', {
      CHAT_NATS_URL: cluster.servers,
      CHAT_NATS_REPLICAS: '3',
      CHAT_HOST: '127.0.0.1',
      CHAT_HTTP_PORT: '0',
      CHAT_GRPC_PORT: '0',
    });
    client = createClient(onair().chat.v1.ChatService, `127.0.0.1:${svc.port('grpcPort')}`);
    nc = await connectNats({
      servers: cluster.servers,
      name: 'chat-replicas-test',
      log: createLogger({ service: 'test', level: 'silent' }),
    });
    jsm = await jetstreamManager(nc);
  }, 50_000);

  afterAll(async () => {
    client?.close();
    await nc?.close();
    await svc?.stop();
    await cluster?.stop();
  });

  it('creates every stream and the moderation bucket with three replicas', async () => {
    for (const stream of ['CHAT', 'CHAT_HISTORY', 'CHAT_AUDIT', 'KV_CHAT_MODERATION']) {
      const info = await jsm.streams.info(stream);
      expect(info.config.num_replicas, stream).toBe(3);
      expect(info.cluster?.replicas, stream).toHaveLength(2);
    }
  });

  it('keeps accepting posts, history intact, when the stream leader is killed', async ({ annotate }) => {
    const before = ['one', 'two', 'three', 'four'];
    for (const text of before) await post(text);
    await waitFor(async () => (await history()).length === before.length, { what: 'the history of 4 posts' });

    const leader = (await jsm.streams.info('CHAT')).cluster?.leader;
    const index = cluster.urls.findIndex((_, i) => leader === `n${i}`);
    expect(index, `leader ${leader}`).toBeGreaterThanOrEqual(0);
    await cluster.kill(index);
    const killedAt = Date.now();
    // nats-server 2.9's raft elects a new stream leader after 4–9 s without the old one's heartbeats.

    await waitFor(() => post('after').then(() => true), { timeoutMs: 10_000, what: 'a post accepted after the kill' });
    const recoveredMs = Date.now() - killedAt;
    expect(recoveredMs).toBeLessThan(10_000);
    await annotate(`posts accepted again ${recoveredMs} ms after the stream leader was killed`);
    await post('after 2');
    // CHAT_HISTORY sources CHAT: after CHAT's leader dies, nats-server 2.9 resumes the sourcing only after its own
    // retry, seconds to tens of seconds later; nothing is lost meanwhile, the history lags.
    await waitFor(async () => (await history()).length === before.length + 2, {
      timeoutMs: 45_000,
      intervalMs: 500,
      what: 'the history after the kill',
    });
    await annotate(`history complete again ${Date.now() - killedAt} ms after the kill`);
    expect(await history()).toEqual([...before, 'after', 'after 2']);
    const info = await jsm.streams.info('CHAT');
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.leader).not.toBe(leader);

    await cluster.restart(index);
    await waitFor(
      async () => (await jsm.streams.info('CHAT')).cluster?.replicas?.filter((r) => r.current).length === 2,
      { timeoutMs: 20_000, what: 'the restarted node to catch up' },
    );
    // A read just after the node rejoined may still come from its lagging copy (seen here: 4 of the 6); the
    // next ones are complete.
    const all = [...before, 'after', 'after 2'];
    // Under load (a CI run beside four other jobs) the history stream was still UNAVAILABLE after 10 s: 20 s.
    await waitFor(async () => JSON.stringify(await history()) === JSON.stringify(all), {
      timeoutMs: 20_000,
      what: 'the whole history with the node back',
    });
  }, 90_000);
});
