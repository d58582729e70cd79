import { readFile } from 'node:fs/promises';
import { ffprobe, freePort, publishTestStream, REPO_ROOT, type TestProcess } from '@onair/testing';
import { chromium } from 'playwright-core';
import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForEndlist, waitForLadder, waitForLiveStatus } from '../hls-waits.js';
import { CHROMIUM_ARGS } from '../player-pages.js';
import { openViewer } from '../ws-client.js';
import {
  composeAvailable,
  demoStreamKey,
  docker,
  exitCodes,
  forceDown,
  issueToken,
  orphanedProjects,
  projectLeftovers,
} from './docker.js';
import { grpcProbe, type GrpcProbe } from './grpc-probe.js';
import { firstSeenAtMs, waitForPlayback, watchTexts } from './readme-pages.js';

/** The compose services that run by default (the observability profile is not started here). */
const SERVICES = ['nats', 'ingest', 'relay', 'danmaku', 'chat', 'monitoring'];
const ROOM = 'demo';
const PUBLISH_S = 25;
const PROJECT_PREFIX = 'onair-e2e-';
const PROJECT = `${PROJECT_PREFIX}${process.pid}`;
const COMPOSE_FILE = `${REPO_ROOT}docker-compose.yml`;
/** Tag of the images the suite builds: its own, so it neither replaces nor depends on an operator's :latest. */
const IMAGE_TAG = process.env.ONAIR_E2E_IMAGE_TAG || 'e2e';
/** The README's token command after `docker compose` (its quick start and its "Post danmaku and chat"). */
const README_TOKEN_COMMAND = 'exec -T chat onair tokens issue --user alice --name Alice --role viewer --ttl 1h';
/** A published port: the compose variable that sets its host port, its service, and its container port. */
type Published = [variable: string, service: string, containerPort: number];
const PUBLISHED: Record<'rtmp' | 'hls' | 'danmaku' | 'chat' | 'dashboard', Published> = {
  rtmp: ['ONAIR_RTMP_PORT', 'ingest', 1935],
  hls: ['ONAIR_HLS_PORT', 'relay', 8080],
  danmaku: ['ONAIR_DANMAKU_PORT', 'danmaku', 8081],
  chat: ['ONAIR_CHAT_PORT', 'chat', 8082],
  dashboard: ['ONAIR_DASHBOARD_PORT', 'monitoring', 3000],
};

describe('docker compose up: the whole suite in containers, through its published ports', () => {
  let env: StartedDockerComposeEnvironment | undefined;
  let downed = false;
  let publisher: TestProcess | undefined;
  let streamKey: string;
  const ports = { rtmp: 0, hls: 0, danmaku: 0, chat: 0, dashboard: 0 };
  const hls = (path: string): string => `http://127.0.0.1:${ports.hls}/hls/${ROOM}/${path}`;

  beforeAll(async () => {
    if (!(await composeAvailable()))
      throw new Error('no Docker engine or no `docker compose`: run `sudo deploy/airgap/setup-docker.sh` first');
    for (const orphan of await orphanedProjects(PROJECT_PREFIX)) await forceDown(COMPOSE_FILE, orphan);
    const up = async (): Promise<StartedDockerComposeEnvironment> => {
      let compose = new DockerComposeEnvironment(REPO_ROOT, 'docker-compose.yml')
        .withProjectName(PROJECT)
        .withBuild()
        .withEnvironment({
          // Host port 0: Docker publishes each on a port it picks, read back below, so no other process can take
          // one between a pick and the bind. Danmaku's and chat's are picked here instead: the watch page is told
          // them (RELAY_WATCH_DANMAKU_URL, RELAY_WATCH_CHAT_URL default to localhost at these ports).
          ...Object.fromEntries(Object.values(PUBLISHED).map(([variable]) => [variable, '0'])),
          ONAIR_DANMAKU_PORT: String(await freePort()),
          ONAIR_CHAT_PORT: String(await freePort()),
          ONAIR_IMAGE_TAG: IMAGE_TAG,
        })
        .withStartupTimeout(180_000);
      for (const service of SERVICES) compose = compose.withWaitStrategy(`${service}-1`, Wait.forHealthCheck());
      return compose.up();
    };
    // Another process may bind a picked port first: then up again with new ones.
    for (let attempt = 1; !env; attempt++) {
      env = await up().catch(async (err: unknown) => {
        if (attempt >= 3 || !/port is already allocated|address already in use/.test(String(err))) throw err;
        await forceDown(COMPOSE_FILE, PROJECT);
        return undefined;
      });
    }
    for (const [name, [, service, port]] of Object.entries(PUBLISHED) as Array<[keyof typeof ports, Published]>)
      ports[name] = env.getContainer(`${service}-1`).getMappedPort(port);

    streamKey = await demoStreamKey([env.getContainer('ingest-1').getId()]);
    // What a user does to record a room: the CLI in the ingest container, before the publish it applies to.
    await docker('exec', env.getContainer('ingest-1').getId(), 'onair', 'rooms', 'update', ROOM, '--record', 'on');
    publisher = publishTestStream({ url: `rtmp://127.0.0.1:${ports.rtmp}/live/${streamKey}`, durationS: PUBLISH_S });
  }, 900_000);

  afterAll(async () => {
    await publisher?.stop();
    if (downed) return;
    // Without Ryuk nothing else removes the project, also when `up` itself failed.
    if (env) await env.down({ removeVolumes: true });
    else await forceDown(COMPOSE_FILE, PROJECT);
  }, 120_000);

  /** A token from `onair tokens issue` in the chat container, signed with the generated development secret. */
  const tokenFor = (name: string, role = 'viewer'): Promise<string> =>
    issueToken(env!.getContainer('chat-1').getId(), name, role);

  it('prints the demo room and its stream key in the ingest log on first start', () => {
    expect(streamKey).toMatch(new RegExp(`^${ROOM}_[A-Za-z0-9_-]{43}$`));
  });

  it('serves the master playlist with every rendition from the relay', async () => {
    const master = await waitForLadder(hls('master.m3u8'), 30_000);
    expect(master).toMatch(/RESOLUTION=1280x720/);
    expect(master).toMatch(/RESOLUTION=854x480/);
    expect(master).toMatch(/CODECS="avc1\.[0-9a-fA-F]{6},mp4a\.40\.2"/);
  }, 40_000);

  // While the PUBLISH_S publish is surely still on: the tests after it take their time on a loaded machine.
  it('shows every service healthy and the stream live in /api/status', async () => {
    const status = await waitForLiveStatus(`http://127.0.0.1:${ports.dashboard}/api/status`, ROOM, 30_000);
    expect(status.services.map((s) => s.name).sort()).toEqual(['chat', 'danmaku', 'ingest', 'monitoring', 'relay']);
  }, 40_000);

  it('round-trips a danmaku over WebSocket', async () => {
    const viewer = await openViewer(`ws://127.0.0.1:${ports.danmaku}/ws?room=${ROOM}`);
    const sender = await openViewer(`ws://127.0.0.1:${ports.danmaku}/ws?room=${ROOM}`, {
      token: await tokenFor('alice'),
    });
    await viewer.next((f) => f.type === 'welcome');
    await sender.next((f) => f.type === 'welcome');
    // The playhead at the live edge: a stream time of the publish so far (the estimate without one is 3 s less).
    sender.send({ type: 'danmaku', text: 'hello from compose', mode: 'top', color: '#00ccff', playheadMs: Date.now() });
    const got = await viewer.next((f) => f.type === 'danmaku');
    expect(got).toMatchObject({ text: 'hello from compose', name: 'alice', mode: 'top', room: ROOM });
    expect(got.streamTimeMs).toBeGreaterThan(0);
    viewer.close();
    sender.close();
  });

  it('round-trips a chat message over WebSocket, and a late joiner gets it in the history', async () => {
    const viewer = await openViewer(`ws://127.0.0.1:${ports.chat}/ws?room=${ROOM}`);
    const sender = await openViewer(`ws://127.0.0.1:${ports.chat}/ws?room=${ROOM}`, { token: await tokenFor('bob') });
    await viewer.next((f) => f.type === 'history');
    sender.send({ type: 'message', text: 'chat through containers' });
    expect(await viewer.next((f) => f.type === 'message')).toMatchObject({ text: 'chat through containers' });
    const late = await openViewer(`ws://127.0.0.1:${ports.chat}/ws?room=${ROOM}`);
    const history = await late.next((f) => f.type === 'history');
    expect((history.messages as Array<{ text: string }>).map((m) => m.text)).toContain('chat through containers');
    for (const v of [viewer, sender, late]) v.close();
  });

  it('lets a moderator delete a chat message: viewers are told and a late joiner no longer gets it', async () => {
    const moderator = await openViewer(`ws://127.0.0.1:${ports.chat}/ws?room=${ROOM}`, {
      token: await tokenFor('mo', 'moderator'),
    });
    const sender = await openViewer(`ws://127.0.0.1:${ports.chat}/ws?room=${ROOM}`, { token: await tokenFor('eve') });
    await sender.next((f) => f.type === 'room_state');
    sender.send({ type: 'message', text: 'to be deleted' });
    const posted = await moderator.next((f) => f.type === 'message' && f.text === 'to be deleted');
    moderator.send({ type: 'moderate', action: 'delete', id: posted.id, reason: 'compose test' });
    expect(await sender.next((f) => f.type === 'deleted')).toMatchObject({ id: posted.id });
    const late = await openViewer(`ws://127.0.0.1:${ports.chat}/ws?room=${ROOM}`);
    const history = await late.next((f) => f.type === 'history');
    expect((history.messages as Array<{ id: string }>).map((m) => m.id)).not.toContain(posted.id);
    for (const v of [moderator, sender, late]) v.close();
  });

  /** A gRPC call from the relay container (which holds the compose certificates), to `target` on the network. */
  const probeFromRelay = (probe: Omit<GrpcProbe, 'container'>): Promise<string> =>
    grpcProbe({ container: env!.getContainer('relay-1').getId(), ...probe });

  it('refuses internal gRPC without a client certificate, plaintext or TLS, and takes a peer with one', async () => {
    const stats = { target: 'ingest:50051', server: 'ingest', call: 'GetStats' } as const;
    expect(await probeFromRelay({ ...stats, identity: 'plaintext' })).toBe('UNAVAILABLE');
    expect(await probeFromRelay({ ...stats, identity: 'no-client-cert' })).toBe('UNAVAILABLE');
    expect(await probeFromRelay({ ...stats, identity: { service: 'relay' } })).toBe('OK');
  });

  it("refuses a post from a certificate of the CA that danmaku's peers do not name, and takes the CLI's", async () => {
    const viewer = await openViewer(`ws://127.0.0.1:${ports.danmaku}/ws?room=${ROOM}`);
    await viewer.next((f) => f.type === 'welcome');
    const post = (text: string, service: string): Promise<string> =>
      probeFromRelay({
        ...{ target: 'danmaku:50053', server: 'danmaku', identity: { service } },
        call: { postDanmaku: { room: ROOM, text } },
      });
    expect(await post('from relay', 'relay')).toBe('PERMISSION_DENIED');
    expect(await post('from the cli', 'cli')).toBe('OK');
    // The first danmaku the viewer gets is the CLI's: the refused one was never fanned out.
    const probed = (f: Record<string, unknown>): boolean =>
      f.type === 'danmaku' && typeof f.text === 'string' && f.text.startsWith('from ');
    expect(await viewer.next(probed)).toMatchObject({ text: 'from the cli', room: ROOM });
    viewer.close();
  });

  it('runs `onair rooms list` in the ingest container over mTLS to 127.0.0.1', async () => {
    const out = await docker('exec', env!.getContainer('ingest-1').getId(), 'onair', 'rooms', 'list');
    expect(out).toContain(ROOM);
  });

  it('keeps the CA and every certificate when dev-certs runs again, as on a later `up`', async () => {
    const id = (
      await docker(
        ...['ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`],
        ...['--filter', 'label=com.docker.compose.service=dev-certs'],
      )
    ).trim();
    const out = await docker('start', '--attach', id);
    expect(out).not.toMatch(/made the CA/);
    expect(out.trim().split('\n')).toEqual(
      ['ingest', 'relay', 'danmaku', 'chat', 'monitoring', 'cli'].map(
        (s) => `make-dev-certs: kept /var/lib/onair/tls/${s}.crt`,
      ),
    );
  });

  it('serves the whole publish as H.264/AAC that ffprobe reads from the relay', async () => {
    expect(await publisher!.exited).toBe(0);
    await waitForEndlist(hls('source/index.m3u8'), 20_000);
    const source = await ffprobe(hls('source/index.m3u8'));
    expect(source.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(source.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 1280, height: 720 });
    // The playlist keeps a sliding window (6 segments of ~2 s by default), not the whole publish.
    expect(Number(source.format.duration)).toBeGreaterThanOrEqual(8);
    const rendition = await ffprobe(hls('480p/index.m3u8'));
    expect(rendition.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 854, height: 480 });
  }, 60_000);

  it('records the publish into the recordings volume: listed, played as VOD, its danmaku on DPlayer v3', async () => {
    expect(await publisher!.exited).toBe(0);
    const url = `http://127.0.0.1:${ports.hls}/api/recordings?room=${ROOM}`;
    let recordings: Array<{ publishId: string; durationMs: number | null; master: string }> = [];
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(recordings.length === 1 && recordings[0]!.durationMs !== null)) {
      recordings = (await (await fetch(url)).json()) as typeof recordings;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(recordings).toHaveLength(1);
    const [recording] = recordings;
    // The whole publish, not a live window: PUBLISH_S of media, give or take the last segment's cut.
    expect(recording!.durationMs).toBeGreaterThan((PUBLISH_S - 3) * 1000);
    const vod = await ffprobe(`http://127.0.0.1:${ports.hls}${recording!.master}`);
    expect(Number(vod.format.duration)).toBeGreaterThan(PUBLISH_S - 3);
    const files = await docker('exec', env!.getContainer('relay-1').getId(), 'ls', `/var/lib/onair/recordings/${ROOM}`);
    expect(files.trim()).toBe(recording!.publishId);
    const dplayer = (await (
      await fetch(`http://127.0.0.1:${ports.danmaku}/dplayer/v3/?id=${ROOM}.${recording!.publishId}`)
    ).json()) as { code: number; data: Array<[number, number, number, string, string]> };
    expect(dplayer.code).toBe(0);
    expect(dplayer.data.map((d) => d[4])).toContain('hello from compose');
  }, 60_000);

  it("follows the README in Chromium: watch page with a pasted token, danmaku and chat, the dashboard's alert", async () => {
    expect(await readFile(`${REPO_ROOT}README.md`, 'utf8')).toContain(`docker compose ${README_TOKEN_COMMAND}`);
    const publishedAt = Date.now();
    const live = publishTestStream({ url: `rtmp://127.0.0.1:${ports.rtmp}/live/${streamKey}`, durationS: 120 });
    const [browser, token] = await Promise.all([
      chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: CHROMIUM_ARGS }),
      docker('compose', '-f', COMPOSE_FILE, '-p', PROJECT, ...README_TOKEN_COMMAND.split(' ')).then((t) => t.trim()),
    ]);
    const pageErrors: string[] = [];
    try {
      const open = async (url: string) => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
        page.on('pageerror', (err) => pageErrors.push(err.message));
        await page.goto(url);
        return page;
      };
      const watchUrl = `http://localhost:${ports.hls}/watch/${ROOM}`;
      const [page, other] = [await open(watchUrl), await open(watchUrl)];
      const played = await waitForPlayback(page, 30_000);
      console.log(`compose watch page: played from ${played.fromS.toFixed(1)} s to ${played.toS.toFixed(1)} s`);
      // No development sign-in in compose: the token field is the way in.
      expect(await page.isVisible('#dev-sign-in')).toBe(false);
      await page.fill('#token-input', token);
      await page.click('#token-form button');
      await page.waitForSelector('#danmaku-text:enabled', { timeout: 10_000 });
      await page.waitForSelector('#chat-text:enabled', { timeout: 10_000 });
      expect(await page.textContent('#signed-in-as')).toContain('Alice');

      await watchTexts(other, 'danmaku-layer', '.danmaku');
      await watchTexts(other, 'chat-list', 'li .text');
      await page.fill('#danmaku-text', 'hello from the README');
      const postedAt = Date.now();
      await page.click('#danmaku-form button');
      const danmakuMs = (await firstSeenAtMs(other, 'danmaku-layer', 'hello from the README', 10_000)) - postedAt;
      await page.fill('#chat-text', 'chat from the README');
      const sentAt = Date.now();
      await page.click('#chat-form button');
      const chatMs = (await firstSeenAtMs(other, 'chat-list', 'chat from the README', 10_000)) - sentAt;
      console.log(`compose watch page: danmaku on the second page's overlay in ${danmakuMs} ms, chat in ${chatMs} ms`);
      // Measured 0.3–1 s on a loaded 2-core machine.
      expect(danmakuMs).toBeLessThan(3000);
      expect(chatMs).toBeLessThan(3000);

      const dashboard = await open(`http://localhost:${ports.dashboard}/`);
      const thumbnail = dashboard.locator(`section.stream[data-room="${ROOM}"] .thumbnail img`);
      await thumbnail.waitFor({ state: 'visible', timeout: 30_000 });
      const thumbnailWidth = await thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth);
      console.log(
        `compose dashboard: thumbnail ${thumbnailWidth} px wide, ${Date.now() - publishedAt} ms into the publish`,
      );
      expect(thumbnailWidth).toBeGreaterThan(0);
      const frozenAt = Date.now();
      live.child.kill('SIGSTOP');
      const stalled = dashboard.locator('#alerts tr', { hasText: 'stream_stalled' });
      // The default rule: no media for 5 s, held for 5 s, seen at a 2 s poll (measured ~12.5 s).
      await stalled.waitFor({ timeout: 40_000 });
      console.log(`compose dashboard: "stream stalled" shown ${Date.now() - frozenAt} ms after the publisher froze`);
      expect(await stalled.textContent()).toContain(`room=${ROOM}`);
      expect(pageErrors).toEqual([]);
    } finally {
      live.child.kill('SIGCONT');
      await live.stop();
      await browser.close();
    }
  }, 120_000);

  it('ships no test code in any service image', async () => {
    for (const service of SERVICES.filter((s) => s !== 'nats')) {
      // Compiled tests and test helpers in the app, and the test libraries they would need.
      const found = await docker(
        ...['run', '--rm', '--entrypoint', 'sh', `onair-${service}:${IMAGE_TAG}`, '-c'],
        "find /app -path /app/node_modules -prune -o \\( -name '*.test.*' -o -path '*/testing/*' \\) -print; " +
          'ls -d /app/node_modules/vitest /app/node_modules/@onair/testing 2>/dev/null; true',
      );
      expect({ service, found: found.trim() }).toEqual({ service, found: '' });
    }
  }, 60_000);

  it('stops every service cleanly (exit 0), and down leaves no containers, networks or volumes', async () => {
    const stopped = await env!.stop();
    expect(await exitCodes(PROJECT)).toEqual({
      ...Object.fromEntries(SERVICES.map((s) => [s, 0])),
      'dev-secret': 0,
      'dev-certs': 0,
    });
    await stopped.down({ removeVolumes: true });
    downed = true;
    expect(await projectLeftovers(PROJECT)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 120_000);
});
