import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { call, createClient } from '@onair/grpc-kit';
import { onair, type rooms } from '@onair/proto';
import {
  REPO_ROOT,
  publishTestStream,
  startNats,
  startProcess,
  startService,
  waitFor,
  type TestNats,
  type TestService,
} from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// nats-server, ingest and an origin relay recording into a temporary directory, as real processes; ffmpeg publishes
// a short stream that the relay records; RoomsService.DeleteRecording (over gRPC and through the onair CLI) deletes it.

const LOOPBACK = '127.0.0.1';
const ROOM = 'rec-delete';
const ADMIN_TOKEN = 'test-admin-token-5b8e02';
const CLI = `${REPO_ROOT}libs/cli/bin/onair.js`;
const UNKNOWN = '0e000000-0000-4000-8000-000000000001';

interface Listed {
  room: string;
  publishId: string;
  durationMs: number | null;
  master: string;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('deleting a recording through RoomsService and the CLI', () => {
  let nats: TestNats;
  let ingest: TestService;
  let origin: TestService;
  let root: string;
  let dir: string;
  let client: rooms.RoomsServiceClient;
  let publishId: string;
  const auth = new Metadata();
  auth.set('authorization', `Bearer ${ADMIN_TOKEN}`);
  const ingestAddress = (): string => `${LOOPBACK}:${ingest.port('grpcPort')}`;
  const relayUrl = (path: string): string => `http://${LOOPBACK}:${origin.port('httpPort')}${path}`;
  const listed = async (): Promise<Listed[]> =>
    (await fetch(relayUrl(`/api/recordings?room=${ROOM}`))).json() as Promise<Listed[]>;
  const deleteRecording = (
    req: rooms.DeleteRecordingRequest,
    md = auth,
  ): Promise<rooms.DeleteRecordingResponse__Output> =>
    call<rooms.DeleteRecordingResponse__Output>((cb) => client.DeleteRecording(req, md, cb));
  const cli = async (...args: string[]): Promise<{ code: number | string; out: string }> => {
    const proc = startProcess(process.execPath, [CLI, '--ingest', ingestAddress(), ...args], {
      ONAIR_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    return { code: await proc.exited, out: proc.output() };
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'onair-rec-delete-'));
    dir = join(root, 'recordings');
    nats = await startNats();
    ingest = await startService(
      'ingest',
      {
        INGEST_HOST: LOOPBACK,
        INGEST_RTMP_PORT: '0',
        INGEST_GRPC_PORT: '0',
        INGEST_HTTP_PORT: '0',
        INGEST_NATS_URL: nats.url,
        INGEST_LADDER: 'source',
        INGEST_ADMIN_TOKEN: ADMIN_TOKEN,
        INGEST_RECORD_NEW_ROOMS: 'true',
        INGEST_RECONNECT_GRACE_MS: '0',
      },
      30_000,
    );
    origin = await startService(
      'relay',
      {
        RELAY_HOST: LOOPBACK,
        RELAY_HTTP_PORT: '0',
        RELAY_GRPC_PORT: '0',
        RELAY_UPSTREAM: ingestAddress(),
        RELAY_NATS_URL: nats.url,
        RELAY_RECORDINGS_DIR: dir,
      },
      30_000,
    );
    client = createClient(onair().rooms.v1.RoomsService, ingestAddress());
    const { streamKey } = await call<rooms.CreateRoomResponse__Output>((cb) =>
      client.CreateRoom({ id: ROOM, title: ROOM }, auth, cb),
    );
    const publisher = publishTestStream({
      url: `rtmp://${LOOPBACK}:${ingest.port('rtmpPort')}/live/${streamKey}`,
      size: '320x180',
      durationS: 5,
    });
    expect(await publisher.exited).toBe(0);
    const [finished] = await waitFor(
      async () => {
        const l = await listed();
        return l[0]?.durationMs !== null && l.length > 0 && l;
      },
      { timeoutMs: 20_000, what: 'the recording to finish' },
    );
    publishId = finished?.publishId ?? '';
  }, 90_000);

  afterAll(async () => {
    client?.close();
    await origin?.stop();
    await ingest?.stop();
    await nats?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  }, 30_000);

  it.each([
    { name: 'no admin token', md: new Metadata(), code: 'UNAUTHENTICATED' },
    {
      name: 'a wrong admin token',
      md: (() => {
        const md = new Metadata();
        md.set('authorization', 'Bearer not-the-token');
        return md;
      })(),
      code: 'UNAUTHENTICATED',
    },
  ])('refuses a delete with $name, and the recording stays', async ({ md, code }) => {
    await expect(deleteRecording({ room: ROOM, publishId }, md)).rejects.toMatchObject({ code });
    expect(await exists(join(dir, ROOM, publishId))).toBe(true);
    expect((await listed()).map((r) => r.publishId)).toEqual([publishId]);
  });

  it.each([
    { name: 'a room that is not a slug', room: 'Rec Delete', id: () => publishId },
    { name: 'a room reaching out of the directory', room: '..', id: () => publishId },
    { name: 'a publish id reaching out of the directory', room: ROOM, id: () => `../${ROOM}` },
    { name: 'an upper-case publish id', room: ROOM, id: () => publishId.toUpperCase() },
  ])('answers INVALID_ARGUMENT for $name', async ({ room, id }) => {
    await expect(deleteRecording({ room, publishId: id() })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await exists(join(dir, ROOM, publishId))).toBe(true);
  });

  it('answers NOT_FOUND for a recording no relay holds', async () => {
    await expect(deleteRecording({ room: ROOM, publishId: UNKNOWN })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const res = await cli('recordings', 'delete', 'no-such-room', UNKNOWN);
    expect(res.code).toBe(1);
    expect(res.out).toContain('onair: not found: no origin relay holds recording');
  });

  it('onair recordings delete deletes the files; the relay no longer lists or serves it', async () => {
    const { master } = (await listed())[0] ?? { master: '' };
    expect((await fetch(relayUrl(master))).status).toBe(200);
    const res = await cli('recordings', 'delete', ROOM, publishId);
    expect(res.code).toBe(0);
    const bytes = Number(/^deleted recording \S+ of room \S+ \((\d+) bytes\)$/m.exec(res.out)?.[1]);
    expect(bytes).toBeGreaterThan(10_000);
    expect(await exists(join(dir, ROOM, publishId))).toBe(false);
    expect(await readdir(dir)).not.toContain(ROOM);
    expect(await listed()).toEqual([]);
    expect((await fetch(relayUrl(master))).status).toBe(404);
    await expect(deleteRecording({ room: ROOM, publishId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers UNAVAILABLE while ingest has no NATS', async () => {
    await nats.process.stop();
    await waitFor(
      async () =>
        deleteRecording({ room: ROOM, publishId: UNKNOWN }).then(
          () => false,
          (err: { code?: string }) => err.code === 'UNAVAILABLE',
        ),
      { timeoutMs: 10_000, what: 'ingest to see NATS gone' },
    );
    const res = await cli('recordings', 'delete', ROOM, UNKNOWN);
    expect(res.code).toBe(1);
    expect(res.out).toContain('onair: unavailable: ingest is not connected to NATS');
  });
});
