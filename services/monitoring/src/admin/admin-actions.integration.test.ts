import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_BUCKET } from '@onair/contracts';
import {
  REPO_ROOT,
  publishTestStream,
  startMonitoring,
  startNatsFixture,
  startProcess,
  startService,
  waitFor,
  type NatsFixture,
  type TestProcess,
  type TestService,
} from '@onair/testing';
import type { RecordState, StatusReport } from '../status/status-types.js';

// Built processes: two ingest replicas sharing one NATS (INGEST_ADMIN_TOKEN set), the relay as an origin following the
// live registry, monitoring with the admin API acting through the second replica, and real ffmpeg publishers on the
// first: an admin's end reaches the replica holding the publish over NATS. Monitoring polls both replicas, so the
// room's record state shows in its status.

const ROOM = 'studio';
const OLD_KEY = `${ROOM}_${'c3'.repeat(16)}`;
const INGEST_TOKEN = 'ingest-admin-token-7d2e91';
const ADMIN_TOKEN = 'monitoring-admin-token-5b08aa';
const CLI = `${REPO_ROOT}libs/cli/bin/onair.js`;

function startIngest(nats: NatsFixture): Promise<TestService> {
  return startService('ingest', {
    INGEST_NATS_URL: nats.nats.url,
    INGEST_HOST: '127.0.0.1',
    INGEST_RTMP_PORT: '0',
    INGEST_GRPC_PORT: '0',
    INGEST_HTTP_PORT: '0',
    INGEST_LADDER: 'source',
    INGEST_SEGMENT_TARGET_MS: '1000',
    INGEST_DEMO_ROOM: ROOM,
    INGEST_DEMO_STREAM_KEY: OLD_KEY,
    INGEST_ADMIN_TOKEN: INGEST_TOKEN,
    INGEST_LOG_LEVEL: 'debug',
  });
}

describe('admin actions through monitoring, over two ingest replicas', () => {
  let nats: NatsFixture;
  let live: Awaited<ReturnType<NatsFixture['kvm']['open']>>;
  let ingestA: TestService;
  let ingestB: TestService;
  let relay: TestService;
  let monitoring: TestService;
  let adminUrl: string;
  let playlistUrl: string;
  const publishers: TestProcess[] = [];
  const recordings = mkdtempSync(join(tmpdir(), 'onair-admin-recordings-'));

  const admin = async (
    action: string,
    { token = ADMIN_TOKEN, body }: { token?: string | null; body?: unknown } = {},
  ): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${adminUrl}/${action}`, {
      method: 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
  };
  const publish = (key: string, durationS = 60): TestProcess => {
    const p = publishTestStream({
      url: `rtmp://127.0.0.1:${ingestA.port('rtmpPort')}/live/${key}`,
      durationS,
      size: '320x240',
      gop: 25,
    });
    publishers.push(p);
    return p;
  };
  const liveEntry = async (): Promise<string | undefined> => {
    const e = await live.get(ROOM);
    return e?.operation === 'PUT' ? e.string() : undefined;
  };
  const playlistStatus = async (): Promise<number> => (await fetch(playlistUrl)).status;
  const waitLive = async (): Promise<void> => {
    await waitFor(async () => (await liveEntry()) !== undefined, { timeoutMs: 15_000, what: 'the room to go live' });
    await waitFor(async () => (await playlistStatus()) === 200, { timeoutMs: 20_000, what: 'the relay to serve it' });
  };
  const allLogs = (): string =>
    [ingestA, ingestB, relay, monitoring].map((s) => s.output()).join('\n') +
    publishers.map((p) => p.output()).join('');

  beforeAll(async () => {
    nats = await startNatsFixture();
    ingestA = await startIngest(nats);
    ingestB = await startIngest(nats);
    live = await nats.kvm.open(LIVE_BUCKET);
    relay = await startService('relay', {
      RELAY_NATS_URL: nats.nats.url,
      RELAY_UPSTREAM: '127.0.0.1:9',
      RELAY_HOST: '127.0.0.1',
      RELAY_HTTP_PORT: '0',
      RELAY_GRPC_PORT: '0',
      RELAY_ENDED_LINGER_MS: '1000',
      RELAY_RECORDINGS_DIR: recordings,
    });
    playlistUrl = `http://127.0.0.1:${relay.port('httpPort')}/hls/${ROOM}/source/index.m3u8`;
    // The first ingest target (B) takes the admin actions; A holds the publishes.
    const ingests = [ingestB, ingestA].map((i) => `ingest=127.0.0.1:${i.port('grpcPort')}`);
    monitoring = await startMonitoring(ingests, {
      MONITORING_ADMIN_TOKEN: ADMIN_TOKEN,
      MONITORING_INGEST_ADMIN_TOKEN: INGEST_TOKEN,
      MONITORING_LOG_LEVEL: 'debug',
    });
    adminUrl = `http://127.0.0.1:${monitoring.port('httpPort')}/api/admin/rooms/${ROOM}`;
  }, 90_000);

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    await monitoring?.stop();
    await relay?.stop();
    await Promise.all([ingestA?.stop(), ingestB?.stop()]);
    await nats?.stop();
    rmSync(recordings, { recursive: true, force: true });
  });

  it.each(['end', 'rotate-key', 'record'])(
    'refuses %s without the token (401) and with a wrong one (403)',
    async (a) => {
      const body = a === 'record' ? { record: true } : undefined;
      const without = await admin(a, { token: null, body });
      expect(without.status).toBe(401);
      expect(without.json.error).toBe('UNAUTHENTICATED');
      expect(without.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const wrong = await admin(a, { token: `${ADMIN_TOKEN}x`, body });
      expect(wrong.status).toBe(403);
      expect(wrong.json.error).toBe('PERMISSION_DENIED');
      expect(wrong.headers.get('cache-control')).toBe('no-store');
    },
  );

  it('ends a live publish held by another replica: ffmpeg exits, the live entry goes, the relay 404s', async () => {
    const ffmpeg = publish(OLD_KEY);
    await waitLive();
    const publishId = (JSON.parse((await liveEntry()) ?? '{}') as { publishId?: string }).publishId;
    const asked = Date.now();
    const ended = await admin('end');
    expect(ended.status).toBe(200);
    expect(ended.json).toEqual({ room: ROOM, publishId });
    expect(ended.headers.get('cache-control')).toBe('no-store');
    // The entry is deleted before the call answers; no reconnect grace period keeps the stream.
    expect(await liveEntry()).toBeUndefined();
    const exit = await Promise.race([ffmpeg.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    expect(exit).not.toBe('still running');
    await waitFor(async () => (await playlistStatus()) === 404, { timeoutMs: 10_000, what: 'the playlist to 404' });
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(ingestA.logs()).toContainEqual(
      expect.objectContaining({ msg: 'publish ended', publishId, where: 'asked over NATS' }),
    );
    expect(monitoring.logs()).toContainEqual(
      expect.objectContaining({ component: 'admin', action: 'end', room: ROOM, outcome: 'done', publishId }),
    );
    const again = await admin('end');
    expect(again.status).toBe(404);
    expect(again.json.error).toBe('NOT_FOUND');
  }, 60_000);

  it('rotates the key: the new one is shown once, the old one is refused at the next publish', async () => {
    const rotated = await admin('rotate-key');
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    const newKey = rotated.json.streamKey as string;
    expect(newKey).toMatch(new RegExp(`^${ROOM}_`));
    expect(newKey).not.toBe(OLD_KEY);
    expect(rotated.json.room).toMatchObject({ id: ROOM, live: false });

    const refused = publish(OLD_KEY);
    const code = await Promise.race([refused.exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
    expect(code).not.toBe(0);
    expect(code).not.toBe('still running');
    expect(await liveEntry()).toBeUndefined();
    expect(ingestA.logs()).toContainEqual(
      expect.objectContaining({ msg: 'publish refused', reason: 'bad_stream_key' }),
    );

    // The new key publishes; the CLI ends it on the replica that holds it.
    const accepted = publish(newKey);
    await waitLive();
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
    const cli = startProcess(process.execPath, [CLI, '--json', 'rooms', 'end', ROOM], {
      ONAIR_INGEST_GRPC: `127.0.0.1:${ingestA.port('grpcPort')}`,
      ONAIR_ADMIN_TOKEN: INGEST_TOKEN,
    });
    expect(await cli.exited, cli.output()).toBe(0);
    const out = JSON.parse(cli.output()) as { room?: string; publishId?: string };
    expect(out.room).toBe(ROOM);
    expect(out.publishId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ingestA.logs()).toContainEqual(expect.objectContaining({ msg: 'publish ended', where: 'here' }));
    expect(await liveEntry()).toBeUndefined();
    const exit = await Promise.race([
      accepted.exited,
      new Promise((r) => setTimeout(() => r('still running'), 10_000)),
    ]);
    expect(exit).not.toBe('still running');
  }, 90_000);

  it('toggles recording, and refuses a body without a boolean', async () => {
    const on = await admin('record', { body: { record: true } });
    expect(on.status).toBe(200);
    expect(on.json.room).toMatchObject({ id: ROOM, record: true });
    const off = await admin('record', { body: { record: false } });
    expect(off.json.room).toMatchObject({ id: ROOM, record: false });
    const bad = await admin('record', { body: { record: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'INVALID_ARGUMENT', field: 'record' });
    // The audit line is written before the answer, but the child's stdout may reach this process after it.
    await waitFor(
      () =>
        monitoring
          .logs()
          .some((l) => l.component === 'admin' && l.action === 'record' && l.outcome === 'done' && l.record === true),
      { timeoutMs: 5_000, what: "the record action's audit line" },
    );
  });

  it("shows the live publish's record state, and the next publish's setting as soon as it is toggled", async () => {
    const recordOf = async (): Promise<RecordState | null | undefined> => {
      const res = await fetch(`http://127.0.0.1:${monitoring.port('httpPort')}/api/status`);
      return ((await res.json()) as StatusReport).streams.find((s) => s.room === ROOM)?.record;
    };
    const recordBecomes = (want: RecordState): Promise<unknown> =>
      waitFor(async () => JSON.stringify(await recordOf()) === JSON.stringify(want), {
        timeoutMs: 15_000,
        what: `record state ${JSON.stringify(want)}`,
      });
    const key = (await admin('rotate-key')).json.streamKey as string;
    expect((await admin('record', { body: { record: false } })).status).toBe(200);
    publish(key);
    await waitLive();
    await recordBecomes({ recording: false, next: false });
    expect((await admin('record', { body: { record: true } })).status).toBe(200);
    // The toggle's answer updates monitoring's state at once: no wait for the next round.
    expect(await recordOf()).toEqual({ recording: false, next: true });
    expect((await admin('end')).status).toBe(200);

    publish(key);
    await waitLive();
    await recordBecomes({ recording: true, next: true });
    expect((await admin('record', { body: { record: false } })).status).toBe(200);
    expect(await recordOf()).toEqual({ recording: true, next: false });
    expect((await admin('end')).status).toBe(200);
  }, 90_000);

  it('answers 404 for an unknown room and 400 for a room that is not a slug', async () => {
    const unknown = await fetch(`${adminUrl.replace(ROOM, 'no-such-room')}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${adminUrl.replace(ROOM, 'Not_A_Slug')}/rotate-key`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(bad.status).toBe(400);
  });

  it('never writes a token in any log', () => {
    const logs = allLogs();
    expect(logs).toContain('admin action');
    expect(logs).not.toContain(ADMIN_TOKEN);
    expect(logs).not.toContain(INGEST_TOKEN);
  });
});

describe('admin actions without MONITORING_ADMIN_TOKEN', () => {
  let monitoring: TestService;

  beforeAll(async () => {
    monitoring = await startMonitoring(['ingest=127.0.0.1:9'], {});
  }, 30_000);

  afterAll(async () => {
    await monitoring?.stop();
  });

  it('answers 403 whatever the token', async () => {
    for (const authorization of ['Bearer anything', '']) {
      const res = await fetch(`http://127.0.0.1:${monitoring.port('httpPort')}/api/admin/rooms/studio/end`, {
        method: 'POST',
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toMatch(/MONITORING_ADMIN_TOKEN is unset/);
    }
  });
});
