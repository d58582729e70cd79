import { existsSync } from 'node:fs';
import { Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type rooms } from '@onair/proto';
import { call, createClient, createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { createLogger } from '@onair/runtime';
import { REPO_ROOT, startNatsFixture, startProcess, type NatsFixture } from '@onair/testing';
import { LiveRegistry } from './live-registry.js';
import { PublishEnder, type LocalPublishes } from './publish-ender.js';
import { RecordingsDeleter } from './recordings-deleter.js';
import { RoomStore } from './room-store.js';
import { roomsServiceHandlers } from './rooms-service.js';

/** This test holds no publishes: EndPublish asks over NATS. */
const NO_LOCAL_PUBLISHES: LocalPublishes = { endPublish: () => Promise.resolve(false) };
const log = createLogger({ service: 'ingest', level: 'silent' });
const CLI = `${REPO_ROOT}libs/cli/bin/onair.js`;
const ADMIN_TOKEN = 'test-admin-token-7d2e41';

describe('RoomsService.UpdateRoom and the record setting over real gRPC and NATS', () => {
  let nats: NatsFixture;
  let grpc: GrpcServer;
  let address: string;
  let store: RoomStore;
  let live: LiveRegistry;
  let client: rooms.RoomsServiceClient;
  const auth = new Metadata();
  auth.set('authorization', `Bearer ${ADMIN_TOKEN}`);
  const cli = async (...args: string[]): Promise<{ code: number | string; out: string }> => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
    const proc = startProcess(process.execPath, [CLI, '--ingest', address, ...args], {
      ONAIR_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    return { code: await proc.exited, out: proc.output() };
  };
  const update = (req: rooms.UpdateRoomRequest, md = auth): Promise<rooms.UpdateRoomResponse__Output> =>
    call<rooms.UpdateRoomResponse__Output>((cb) => client.UpdateRoom(req, md, cb));

  beforeAll(async () => {
    nats = await startNatsFixture();
    store = await RoomStore.open(nats.kvm, { log, recordNewRooms: true });
    live = await LiveRegistry.open(nats.kvm, { log });
    grpc = createGrpcServer({ log, service: 'ingest', roomStats: () => [] });
    grpc.addService(
      onair().rooms.v1.RoomsService.service,
      roomsServiceHandlers(
        store,
        live,
        new RecordingsDeleter(nats.nc, { log }),
        new PublishEnder(nats.nc, live, NO_LOCAL_PUBLISHES, { log }),
        log,
        { adminToken: ADMIN_TOKEN },
      ),
    );
    address = `127.0.0.1:${await grpc.listen('127.0.0.1', 0)}`;
    client = createClient(onair().rooms.v1.RoomsService, address);
  });

  afterAll(async () => {
    client?.close();
    await grpc?.stop();
    await nats?.stop();
  });

  it('CreateRoom takes the configured default; UpdateRoom changes only the fields it sets', async () => {
    const created = await call<rooms.CreateRoomResponse__Output>((cb) =>
      client.CreateRoom({ id: 'upd', title: 'Up' }, auth, cb),
    );
    expect(created.room).toMatchObject({ id: 'upd', record: true });
    expect((await update({ id: 'upd', record: false })).room).toMatchObject({ title: 'Up', record: false });
    expect((await update({ id: 'upd', title: 'Renamed' })).room).toMatchObject({ title: 'Renamed', record: false });
    expect((await update({ id: 'upd', title: 'Both', record: true })).room).toMatchObject({
      title: 'Both',
      record: true,
    });
    const got = await call<rooms.GetRoomResponse__Output>((cb) => client.GetRoom({ id: 'upd' }, auth, cb));
    expect(got.room).toMatchObject({ title: 'Both', record: true, live: false });
  });

  it('tells whether the live publish is recorded (recording) apart from the setting for the next one (record)', async () => {
    await call((cb) => client.CreateRoom({ id: 'rec', title: 'Rec' }, auth, cb));
    const lease = await live.acquire('rec', undefined, log, false, true);
    try {
      await update({ id: 'rec', record: false });
      const get = (): Promise<rooms.GetRoomResponse__Output> =>
        call<rooms.GetRoomResponse__Output>((cb) => client.GetRoom({ id: 'rec' }, auth, cb));
      expect((await get()).room).toMatchObject({ live: true, recording: true, record: false });
      const list = await call<rooms.ListRoomsResponse__Output>((cb) => client.ListRooms({}, auth, cb));
      expect(list.rooms.find((r) => r.id === 'rec')).toMatchObject({ live: true, recording: true, record: false });
      await lease?.release();
      expect((await get()).room).toMatchObject({ live: false, recording: false, record: false });
    } finally {
      await lease?.release();
    }
  });

  it.each([
    { name: 'no field set', req: { id: 'upd' }, code: 'INVALID_ARGUMENT' },
    { name: 'a missing room', req: { id: 'missing', record: true }, code: 'NOT_FOUND' },
    { name: 'no admin token', req: { id: 'upd', record: false }, md: new Metadata(), code: 'UNAUTHENTICATED' },
  ])('refuses $name: $code', async ({ req, md, code }) => {
    await expect(update(req, md)).rejects.toMatchObject({ code });
    expect((await store.get('upd'))?.record).toBe(true);
  });

  it('onair rooms update sets the record switch and title; get and list show it', async () => {
    const off = await cli('rooms', 'update', 'upd', '--record', 'off', '--title', 'From CLI');
    expect(off.code).toBe(0);
    expect(off.out).toMatch(/^record\s+off$/m);
    expect(off.out).toMatch(/^title\s+From CLI$/m);
    expect(await store.get('upd')).toMatchObject({ record: false, title: 'From CLI' });

    expect((await cli('rooms', 'update', 'upd', '--record', 'on')).code).toBe(0);
    const get = await cli('--json', 'rooms', 'get', 'upd');
    expect(JSON.parse(get.out)).toMatchObject({ room: { id: 'upd', title: 'From CLI', record: true } });
    const list = await cli('rooms', 'list');
    expect(list.out).toMatch(/^ROOM\s+LIVE\s+RECORD\s+CREATED\s+TITLE$/m);
    expect(list.out).toMatch(/^upd\s+no\s+on\s+\S+\s+From CLI$/m);
  });

  it('onair rooms update refuses a bad switch or nothing to change, and changes nothing', async () => {
    const bad = await cli('rooms', 'update', 'upd', '--record', 'maybe');
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/expected on or off/);
    const none = await cli('rooms', 'update', 'upd');
    expect(none.code).toBe(1);
    expect(none.out).toContain('give --record on|off or --title');
    expect((await store.get('upd'))?.record).toBe(true);
  });
});
