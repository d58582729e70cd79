import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type rooms } from '@onair/proto';
import {
  call,
  checkHealth,
  createClient,
  createGrpcServer,
  createHealthClient,
  type GrpcServer,
} from '@onair/grpc-kit';
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
const ADMIN_TOKEN = 'test-admin-token-4f1c9a';
/** This machine's first non-loopback IPv4 address: a gRPC peer that is not loopback. */
const EXTERNAL_IPV4 = Object.values(networkInterfaces())
  .flat()
  .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
const bearer = (token: string): Metadata => {
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
};
const cliRun = async (...args: string[]): Promise<{ code: number | string; out: string }> => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  const proc = startProcess(process.execPath, [CLI, ...args]);
  return { code: await proc.exited, out: proc.output() };
};

describe('RoomsService over real gRPC and NATS', () => {
  let nats: NatsFixture;
  let grpc: GrpcServer;
  let address: string;
  let store: RoomStore;
  let live: LiveRegistry;
  let client: rooms.RoomsServiceClient;

  beforeAll(async () => {
    nats = await startNatsFixture();
    const { kvm } = nats;
    store = await RoomStore.open(kvm, { log });
    live = await LiveRegistry.open(kvm, { log });
    grpc = createGrpcServer({ log, service: 'ingest', roomStats: () => [] });
    grpc.addService(
      onair().rooms.v1.RoomsService.service,
      roomsServiceHandlers(
        store,
        live,
        new RecordingsDeleter(nats.nc, { log }),
        new PublishEnder(nats.nc, live, NO_LOCAL_PUBLISHES, { log }),
        log,
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

  it('creates, lists, gets and rotates; the old key stops working', async () => {
    const created = await call<rooms.CreateRoomResponse__Output>((cb) =>
      client.CreateRoom({ id: 'grpc-room', title: 'Over gRPC' }, cb),
    );
    expect(created.room).toMatchObject({ id: 'grpc-room', title: 'Over gRPC', live: false });
    expect(created.streamKey).toMatch(/^grpc-room_/);

    const lease = await live.acquire('grpc-room');
    const listed = await call<rooms.ListRoomsResponse__Output>((cb) => client.ListRooms({}, cb));
    expect(listed.rooms.map((r) => [r.id, r.live])).toContainEqual(['grpc-room', true]);
    const got = await call<rooms.GetRoomResponse__Output>((cb) => client.GetRoom({ id: 'grpc-room' }, cb));
    expect(got.room).toMatchObject({ id: 'grpc-room', live: true, createdAtMs: created.room?.createdAtMs });
    await lease?.release();

    const rotated = await call<rooms.RotateStreamKeyResponse__Output>((cb) =>
      client.RotateStreamKey({ id: 'grpc-room' }, cb),
    );
    expect(rotated.streamKey).not.toBe(created.streamKey);
    expect(rotated.room?.live).toBe(false);
    expect(await store.verifyStreamKey(created.streamKey)).toBeUndefined();
    expect((await store.verifyStreamKey(rotated.streamKey))?.id).toBe('grpc-room');
  });

  it('EndPublish deletes a live entry no instance answers for (its instance died), then says it is not live', async () => {
    await call((cb) => client.CreateRoom({ id: 'orphaned' }, cb));
    const lease = await live.acquire('orphaned');
    expect(lease).toBeDefined();
    const ended = await call<rooms.EndPublishResponse__Output>((cb) => client.EndPublish({ id: 'orphaned' }, cb));
    expect(ended.publishId).toBe(lease?.publishId);
    expect(await live.get('orphaned')).toBeUndefined();
    await expect(call((cb) => client.EndPublish({ id: 'orphaned' }, cb))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('is not live') as unknown,
    });
    await lease?.release();
  });

  it.each([
    {
      name: 'EndPublish of a missing room',
      run: () => call((cb) => client.EndPublish({ id: 'missing' }, cb)),
      code: 'NOT_FOUND',
    },
    {
      name: 'CreateRoom with a bad id',
      run: () => call((cb) => client.CreateRoom({ id: 'Not A Slug' }, cb)),
      code: 'INVALID_ARGUMENT',
    },
    {
      name: 'CreateRoom twice',
      run: () => call((cb) => client.CreateRoom({ id: 'grpc-room' }, cb)),
      code: 'ALREADY_EXISTS',
    },
    {
      name: 'GetRoom of a missing room',
      run: () => call((cb) => client.GetRoom({ id: 'missing' }, cb)),
      code: 'NOT_FOUND',
    },
    {
      name: 'RotateStreamKey of a missing room',
      run: () => call((cb) => client.RotateStreamKey({ id: 'missing' }, cb)),
      code: 'NOT_FOUND',
    },
  ])('$name → $code', async ({ run, code }) => {
    await expect(run()).rejects.toMatchObject({ code });
  });

  describe('the onair CLI (libs/cli/dist, built by tsc -b)', () => {
    const cli = (...args: string[]): Promise<{ code: number | string; out: string }> =>
      cliRun('--ingest', address, ...args);

    it('creates a room and prints its stream key and publish URL', async () => {
      const { code, out } = await cli(
        '--rtmp',
        'rtmp://stream.example/live',
        'rooms',
        'create',
        'cli-room',
        '--title',
        'From the CLI',
      );
      expect(code).toBe(0);
      const key = /stream key\s+(cli-room_\S+)/.exec(out)?.[1];
      expect(key).toBeDefined();
      expect(out).toContain(`rtmp://stream.example/live/${key ?? ''}`);
      expect((await store.verifyStreamKey(key ?? ''))?.title).toBe('From the CLI');
    });

    it('lists and gets rooms as JSON', async () => {
      const list = await cli('--json', 'rooms', 'list');
      expect(list.code).toBe(0);
      const ids = (JSON.parse(list.out) as { rooms: Array<{ id: string }> }).rooms.map((r) => r.id);
      expect(ids).toEqual(expect.arrayContaining(['cli-room', 'grpc-room']));
      const get = await cli('--json', 'rooms', 'get', 'cli-room');
      expect(JSON.parse(get.out)).toMatchObject({ room: { id: 'cli-room', title: 'From the CLI', live: false } });
    });

    it('rotates a key: the printed key works, the old one does not', async () => {
      const before = await store.get('cli-room');
      const { code, out } = await cli('--json', 'rooms', 'rotate-key', 'cli-room');
      expect(code).toBe(0);
      const res = JSON.parse(out) as { streamKey: string; publishUrl: string };
      expect(res.publishUrl).toBe(`rtmp://127.0.0.1/live/${res.streamKey}`);
      expect((await store.verifyStreamKey(res.streamKey))?.id).toBe('cli-room');
      expect((await store.get('cli-room'))?.streamKeyHash).not.toBe(before?.streamKeyHash);
    });

    it("exits 1 with the server's reason on failure", async () => {
      const { code, out } = await cli('rooms', 'get', 'missing');
      expect(code).toBe(1);
      expect(out).toContain('onair: not found: room missing does not exist');
    });
  });
});

describe('RoomsService access (INGEST_ADMIN_TOKEN)', () => {
  let nats: NatsFixture;
  const servers: GrpcServer[] = [];
  let withToken: string;
  let loopbackOnly: number;

  beforeAll(async () => {
    nats = await startNatsFixture();
    const { kvm } = nats;
    const [store, live] = [await RoomStore.open(kvm, { log }), await LiveRegistry.open(kvm, { log })];
    const serve = async (host: string, adminToken?: string): Promise<number> => {
      const grpc = createGrpcServer({ log, service: 'ingest', roomStats: () => [] });
      grpc.addService(
        onair().rooms.v1.RoomsService.service,
        roomsServiceHandlers(
          store,
          live,
          new RecordingsDeleter(nats.nc, { log }),
          new PublishEnder(nats.nc, live, NO_LOCAL_PUBLISHES, { log }),
          log,
          { adminToken },
        ),
      );
      servers.push(grpc);
      return grpc.listen(host, 0);
    };
    withToken = `127.0.0.1:${await serve('127.0.0.1', ADMIN_TOKEN)}`;
    loopbackOnly = await serve('0.0.0.0');
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await nats?.stop();
  });

  const list = (address: string, metadata = new Metadata()): Promise<rooms.ListRoomsResponse__Output> => {
    const client = createClient(onair().rooms.v1.RoomsService, address);
    return call<rooms.ListRoomsResponse__Output>((cb) => client.ListRooms({}, metadata, cb)).finally(() =>
      client.close(),
    );
  };

  it('with a token: refuses calls without it or with another one, answers calls with it', async () => {
    await expect(list(withToken)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(list(withToken, bearer('wrong'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(list(withToken, bearer(ADMIN_TOKEN))).resolves.toMatchObject({ rooms: [] });
  });

  it('without a token: answers loopback callers only, naming INGEST_ADMIN_TOKEN to others', async () => {
    await expect(list(`127.0.0.1:${loopbackOnly}`)).resolves.toMatchObject({ rooms: [] });
    expect(EXTERNAL_IPV4).toBeDefined();
    const remote = `${EXTERNAL_IPV4 ?? ''}:${loopbackOnly}`;
    await expect(list(remote)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringContaining('INGEST_ADMIN_TOKEN') as unknown,
    });
    const health = createHealthClient(remote);
    expect(await checkHealth(health, 5000)).toBe('SERVING');
    health.close();
  });

  it('the CLI sends --token or ONAIR_ADMIN_TOKEN as the bearer token', async () => {
    const denied = await cliRun('--ingest', withToken, 'rooms', 'list');
    expect(denied.code).toBe(1);
    expect(denied.out).toMatch(/onair: unauthenticated: .*--token or ONAIR_ADMIN_TOKEN/);
    const flag = await cliRun('--ingest', withToken, '--token', ADMIN_TOKEN, '--json', 'rooms', 'list');
    expect({ code: flag.code, out: JSON.parse(flag.out) as unknown }).toEqual({ code: 0, out: { rooms: [] } });
    const proc = startProcess(process.execPath, [CLI, '--ingest', withToken, 'rooms', 'list'], {
      ONAIR_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    expect(await proc.exited).toBe(0);
  });
});
