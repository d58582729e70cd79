import { ffprobe, publishTestStream, REPO_ROOT, waitFor, type TestProcess } from '@onair/testing';
import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForLadder } from '../hls-waits.js';
import { composeAvailable, demoStreamKey, docker, forceDown, issueToken, orphanedProjects } from './docker.js';
import { startKeyedPoster, type KeyedPoster } from './keyed-poster.js';
import { longestGap, watchPlaylist } from './playlist-watch.js';
import { openResilientSocket, type ResilientSocket } from './resilient-socket.js';

/** Every long-running service of deploy/compose/cluster.yml (dev-secret runs once). */
const SERVICES = [
  ...['nats-1', 'nats-2', 'nats-3', 'ingest-1', 'ingest-2', 'relay-origin', 'relay-edge-1', 'relay-edge-2'],
  ...['danmaku-1', 'danmaku-2', 'chat-1', 'chat-2', 'monitoring', 'haproxy'],
];
const ROOM = 'demo';
/** Long enough for the whole suite: probe, cross-replica checks and the fault run. */
const PUBLISH_S = 240;
const PROJECT_PREFIX = 'onair-cluster-e2e-';
const PROJECT = `${PROJECT_PREFIX}${process.pid}`;
const COMPOSE_FILES = ['docker-compose.yml', 'deploy/compose/cluster.yml'];
/** HAProxy's published ports: the compose variable that sets each host port, and its container port. */
const PUBLISHED = {
  rtmp: ['ONAIR_RTMP_PORT', 1935],
  hls: ['ONAIR_HLS_PORT', 8080],
  danmaku: ['ONAIR_DANMAKU_PORT', 8081],
  chat: ['ONAIR_CHAT_PORT', 8082],
} as const;
/** How long a killed replica or NATS node stays down, ms. */
const DOWN_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the scaled-out suite behind HAProxy (deploy/compose/cluster.yml), through faults', () => {
  let env: StartedDockerComposeEnvironment | undefined;
  let publisher: TestProcess | undefined;
  const ports = { rtmp: 0, hls: 0, danmaku: 0, chat: 0 };
  const sockets: ResilientSocket[] = [];
  const hls = (path: string): string => `http://127.0.0.1:${ports.hls}/hls/${ROOM}/${path}`;
  /** The container of compose service `service` (its first and only one). */
  const container = (service: string): string => env!.getContainer(`${service}-1`).getId();

  beforeAll(async () => {
    if (!(await composeAvailable()))
      throw new Error('no Docker engine or no `docker compose`: run `sudo deploy/airgap/setup-docker.sh` first');
    const files = COMPOSE_FILES.map((f) => `${REPO_ROOT}${f}`);
    for (const orphan of await orphanedProjects(PROJECT_PREFIX)) await forceDown(files, orphan);
    let compose = new DockerComposeEnvironment(REPO_ROOT, COMPOSE_FILES)
      .withProjectName(PROJECT)
      .withBuild()
      .withEnvironment({
        ...Object.fromEntries(Object.values(PUBLISHED).map(([variable]) => [variable, '0'])),
        ONAIR_DASHBOARD_PORT: '0',
        ONAIR_IMAGE_TAG: 'e2e-cluster',
      })
      .withStartupTimeout(240_000);
    for (const service of SERVICES) compose = compose.withWaitStrategy(`${service}-1`, Wait.forHealthCheck());
    try {
      env = await compose.up();
    } catch (err) {
      await forceDown(files, PROJECT);
      throw err;
    }
    for (const [name, [, port]] of Object.entries(PUBLISHED) as Array<[keyof typeof ports, readonly [string, number]]>)
      ports[name] = env.getContainer('haproxy-1').getMappedPort(port);
    const streamKey = await demoStreamKey([container('ingest-1'), container('ingest-2')]);
    publisher = publishTestStream({ url: `rtmp://127.0.0.1:${ports.rtmp}/live/${streamKey}`, durationS: PUBLISH_S });
  }, 900_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await publisher?.stop();
    if (env) await env.down({ removeVolumes: true });
  }, 120_000);

  /** A socket to `service` (danmaku or chat) through HAProxy, pinned to `replica` while it is up. */
  const open = async (service: 'danmaku' | 'chat', replica: string, token?: string): Promise<ResilientSocket> => {
    const socket = await openResilientSocket({
      url: `ws://127.0.0.1:${ports[service]}/ws?room=${ROOM}`,
      token,
      replica,
      kinds: [service === 'chat' ? 'message' : 'danmaku'],
    });
    sockets.push(socket);
    return socket;
  };

  it('takes the publish through HAProxy and serves every rendition, H.264/AAC, through HAProxy', async () => {
    const master = await waitForLadder(hls('master.m3u8'), 60_000);
    expect(master).toMatch(/RESOLUTION=1280x720/);
    expect(master).toMatch(/RESOLUTION=854x480/);
    // A live playlist that has just started may hold too little for ffprobe to find both streams yet.
    const source = await waitFor(
      async () => {
        const probed = await ffprobe(hls('source/index.m3u8'));
        return probed.streams.length >= 2 ? probed : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000, what: 'ffprobe finding both streams' },
    );
    expect(source.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    const res = await fetch(hls('source/index.m3u8'));
    expect(res.headers.get('x-onair-edge')).toMatch(/^relay-edge-[12]$/);
    // Recordings live on the origin: HAProxy sends their listing there, not to an edge (which has none).
    const recordings = await fetch(`http://127.0.0.1:${ports.hls}/api/recordings?room=${ROOM}`);
    expect(recordings.status).toBe(200);
    expect(recordings.headers.get('x-onair-edge')).toBeNull();
    expect(await recordings.json()).toEqual([]);
  }, 90_000);

  it('keeps playback, danmaku and chat going while an edge, a danmaku replica and a NATS node die and come back', async () => {
    const chatToken = await issueToken(container('chat-1'), 'chat-poster');
    const danmakuToken = await issueToken(container('chat-1'), 'danmaku-poster');
    const chat = {
      poster: await open('chat', 'chat-1', chatToken),
      viewers: [await open('chat', 'chat-1'), await open('chat', 'chat-2')],
    };
    const danmaku = {
      poster: await open('danmaku', 'danmaku-1', danmakuToken),
      viewers: [await open('danmaku', 'danmaku-1'), await open('danmaku', 'danmaku-2')],
    };
    const posters: Record<'chat' | 'danmaku', KeyedPoster> = {
      chat: startKeyedPoster({ socket: chat.poster, frame: { type: 'message' }, prefix: 'chat' }),
      danmaku: startKeyedPoster({ socket: danmaku.poster, frame: { type: 'danmaku', mode: 'scroll' }, prefix: 'dm' }),
    };
    // Posted on replica 1, read on replica 2.
    await waitFor(() => chat.viewers[1]!.messages.some((m) => m.text === 'chat 0'), { what: 'chat 0 on chat-2' });
    await waitFor(() => danmaku.viewers[1]!.messages.some((m) => m.text === 'dm 0'), { what: 'dm 0 on danmaku-2' });

    const watch = watchPlaylist(hls('source/index.m3u8'));
    await sleep(5000);
    const faultsFrom = Date.now();
    const recovery: Record<string, number> = {};

    // The edge serving the room: HAProxy moves the room to the other, which starts following it.
    const edge = watch.advances.at(-1)?.edge;
    expect(edge).toMatch(/^relay-edge-[12]$/);
    const edgeKilledAt = Date.now();
    await docker('kill', container(edge!));
    const moved = await waitFor(() => watch.advances.find((a) => a.atMs > edgeKilledAt && a.edge !== edge), {
      timeoutMs: 30_000,
      what: 'the playlist advancing on the other edge',
    });
    recovery.edge = moved.atMs - edgeKilledAt;

    // danmaku-1: its sockets reconnect (to danmaku-2) and recover with `since`.
    const danmakuKilledAt = Date.now();
    await docker('kill', container('danmaku-1'));
    const onDanmaku1 = [danmaku.poster, danmaku.viewers[0]!];
    await waitFor(() => onDanmaku1.every((s) => s.reconnects.length > 0), {
      timeoutMs: 30_000,
      what: 'the sockets of danmaku-1 recovering',
    });
    recovery.danmakuSockets = Math.max(...onDanmaku1.map((s) => s.reconnects[0]!.recoveredAtMs)) - danmakuKilledAt;
    recovery.danmakuPost = await firstAcceptedAfter(posters.danmaku, danmakuKilledAt);

    // The NATS node leading the chat stream.
    const { leader, replicas } = await streamCluster('CHAT', ['nats-1', 'nats-2', 'nats-3'].map(container));
    expect(replicas).toBe(3);
    const natsKilledAt = Date.now();
    await docker('kill', container(leader));
    await sleep(DOWN_MS);
    const natsStartedAt = Date.now();
    await docker('start', container(leader));
    recovery.chatAfterNatsStart = await firstAcceptedAfter(posters.chat, natsStartedAt);
    recovery.natsHealthy = (await healthyAt(container(leader))) - natsStartedAt;

    // The edge and danmaku-1 back.
    const restartedAt = Date.now();
    await docker('start', container(edge!), container('danmaku-1'));
    recovery.edgeHealthy = (await healthyAt(container(edge!))) - restartedAt;
    recovery.danmakuHealthy = (await healthyAt(container('danmaku-1'))) - restartedAt;
    // Steady again: posts and playback go on with everything back.
    await sleep(10_000);
    const faultsTo = Date.now();
    const stallMs = watch.longestStallMs(faultsFrom, faultsTo);
    watch.stop();
    // The longest wait of a poster for a post to be accepted, from the NATS node's death on: until another node
    // leads the streams it led (every stream has three replicas).
    recovery.chatGap = longestGap(posters.chat.acceptedAtMs, natsKilledAt, faultsTo);
    recovery.danmakuGap = longestGap(posters.danmaku.acceptedAtMs, natsKilledAt, faultsTo);

    const accepted = { chat: await posters.chat.stop(), danmaku: await posters.danmaku.stop() };
    const all = { chat: [chat.poster, ...chat.viewers], danmaku: [danmaku.poster, ...danmaku.viewers] };
    for (const kind of ['chat', 'danmaku'] as const)
      await waitFor(() => all[kind].every((s) => s.messages.length >= accepted[kind].length), {
        timeoutMs: 20_000,
        what: `every ${kind} socket reading every accepted post`,
      });
    await sleep(2000);

    console.info(
      `cluster recovery (ms): ${Object.entries(recovery)
        .map(([what, ms]) => `${what} ${ms}`)
        .join(', ')}; longest playlist stall ${stallMs} ms, ${watch.failures()} failed playlist fetches; ` +
        `accepted ${accepted.chat.length} chat (${posters.chat.sends()} sends), ` +
        `${accepted.danmaku.length} danmaku (${posters.danmaku.sends()} sends); ` +
        `reconnects ${[...all.chat, ...all.danmaku].map((s) => s.reconnects.length).join('/')}`,
    );
    // Not one accepted message lost or doubled, on every socket, in the order posted.
    for (const kind of ['chat', 'danmaku'] as const) {
      expect(accepted[kind].length).toBeGreaterThan(15);
      for (const socket of all[kind]) {
        expect(socket.messages.map((m) => m.text)).toEqual(accepted[kind]);
        expect(new Set(socket.messages.map((m) => m.id)).size).toBe(accepted[kind].length);
      }
    }
    // Only the sockets of the killed replica reconnected, and each recovered completely.
    expect(danmaku.viewers[1]!.reconnects).toEqual([]);
    for (const socket of onDanmaku1) expect(socket.reconnects.every((r) => r.complete === true)).toBe(true);
    expect(recovery.edge).toBeLessThan(15_000);
    expect(recovery.danmakuSockets).toBeLessThan(10_000);
    expect(recovery.danmakuPost).toBeLessThan(10_000);
    // Replicated streams need a new leader, and the instances connected to the dead node a reconnect: measured
    // 0.6–17 s here (nats-server 2.9), sometimes only once the node is back; bounded well past both.
    expect(recovery.chatGap).toBeLessThan(DOWN_MS + 20_000);
    expect(recovery.danmakuGap).toBeLessThan(DOWN_MS + 20_000);
    expect(stallMs).toBeLessThan(15_000);
    expect(watch.advances.at(-1)!.atMs).toBeGreaterThan(faultsTo - 5000);
  }, 300_000);
});

/** How long after `afterMs` (epoch ms) `poster` had its next post accepted, ms. @throws Error after 60 s. */
async function firstAcceptedAfter(poster: KeyedPoster, afterMs: number): Promise<number> {
  const at = await waitFor(() => poster.acceptedAtMs.find((t) => t > afterMs), {
    timeoutMs: 60_000,
    what: 'a post accepted',
  });
  return at - afterMs;
}

/** When container `id` reports healthy (its compose healthcheck), epoch ms. @throws Error after 60 s. */
async function healthyAt(id: string): Promise<number> {
  await waitFor(
    async () => (await docker('inspect', '--format', '{{.State.Health.Status}}', id)).trim() === 'healthy',
    {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: `container ${id} healthy`,
    },
  );
  return Date.now();
}

/**
 * The server name (= compose service, `--name` in cluster.yml) of the JetStream leader of `stream` and how many
 * replicas it has (the leader and its followers), read from the `/jsz` monitoring endpoint of the NATS containers
 * `ids` (the first that knows it).
 */
async function streamCluster(stream: string, ids: readonly string[]): Promise<{ leader: string; replicas: number }> {
  const script =
    "fetch('http://127.0.0.1:8222/jsz?accounts=true&streams=true').then((r) => r.text()).then(console.log)";
  for (const id of ids) {
    const jsz = JSON.parse(await docker('exec', id, 'node', '-e', script)) as {
      account_details?: Array<{
        stream_detail?: Array<{ name: string; cluster?: { leader?: string; replicas?: unknown[] } }>;
      }>;
    };
    const found = jsz.account_details?.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === stream);
    if (found?.cluster?.leader)
      return { leader: found.cluster.leader, replicas: 1 + (found.cluster.replicas?.length ?? 0) };
  }
  throw new Error(`no NATS node names a leader of stream ${stream}`);
}
