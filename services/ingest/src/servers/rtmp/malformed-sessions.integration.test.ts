import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { call, createClient } from '@onair/grpc-kit';
import { onair, type media, type rooms } from '@onair/proto';
import { publishTestStream, startNats, startService, waitFor, type TestNats, type TestService } from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAmf0 } from '../../protocols/rtmp/amf0-encode.js';
import { basicHeader } from '../../protocols/rtmp/chunk-writer.js';
import { MESSAGE_TYPE, setChunkSizeMessage } from '../../protocols/rtmp/messages.js';
import { clientCommand, clientMessage, RtmpTestClient } from '../../testing/rtmp-test-client.js';
import { connectCmd } from '../../testing/test-server.js';

// A running ingest (its build, as deployed) under a flood of broken RTMP sessions while a real ffmpeg publishes:
// the publish keeps getting parts, memory stays bounded, and each broken session costs one log line.

const SESSIONS = 2000;
const CONCURRENCY = 100;

/** A type 0 chunk header announcing a message of `length` bytes of `type` on chunk stream 3 (RTMP spec 1.0 §5.3.1.2.1). */
function chunkHeader(type: number, length: number): Buffer {
  const h = Buffer.alloc(11);
  h.writeUIntBE(0, 0, 3);
  h.writeUIntBE(length, 3, 3);
  h[6] = type;
  return Buffer.concat([basicHeader(0, 3), h]);
}

/** Every way a session breaks, each ending with the server's close (or a 3 s bound). */
const BREAKERS: Array<(port: number, fuzzKey: string) => Promise<void>> = [
  // Random bytes from the first one on.
  async (port) => raw(port, randomBytes(1 + Math.floor(Math.random() * 4096))),
  // A chunk cut short, then the end.
  async (port) =>
    afterHandshake(port, (c) => {
      c.socket.end(Buffer.concat([chunkHeader(20, 1000), randomBytes(10)]));
    }),
  // An absurd chunk size.
  async (port) => afterHandshake(port, (c) => c.send(setChunkSizeMessage(0x7fff_ffff))),
  // A message far over the size limit.
  async (port) =>
    afterHandshake(port, (c) => {
      c.socket.write(chunkHeader(9, 0xff_ffff));
    }),
  // A command whose AMF0 string runs past the message.
  async (port) =>
    afterHandshake(port, (c) =>
      c.send(clientMessage(MESSAGE_TYPE.COMMAND_AMF0, 0, 0, Buffer.from([2, 0xff, 0xff, 0x61]))),
    ),
  // An unknown AMF0 marker in connect.
  async (port) =>
    afterHandshake(port, (c) =>
      c.send(
        clientMessage(MESSAGE_TYPE.COMMAND_AMF0, 0, 0, Buffer.concat([encodeAmf0('connect', 1), Buffer.from([0x42])])),
      ),
    ),
  // A publisher of another room whose video carries an unknown Enhanced RTMP FourCC.
  async (port, fuzzKey) =>
    afterHandshake(port, async (c) => {
      c.send(
        connectCmd(),
        clientCommand(0, 'createStream', 2, null),
        clientCommand(1, 'publish', 3, null, fuzzKey, 'live'),
      );
      await c.command((cmd) => cmd.name === 'onStatus');
      c.send(
        clientMessage(
          MESSAGE_TYPE.VIDEO,
          1,
          0,
          Buffer.concat([Buffer.from([0x90]), Buffer.from('xyz9'), randomBytes(64)]),
        ),
      );
    }),
];

async function raw(port: number, bytes: Buffer): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.resume();
  socket.write(bytes);
  await closedWithin(new Promise((resolve) => socket.once('close', resolve)), () => socket.destroy());
}

async function afterHandshake(port: number, act: (c: RtmpTestClient) => void | Promise<void>): Promise<void> {
  const client = await RtmpTestClient.open(port);
  try {
    await client.handshake();
    await act(client);
  } catch {
    // The server may close before the client is done: that is the point.
  }
  await closedWithin(client.closed, () => client.socket.destroy());
}

async function closedWithin(closed: Promise<unknown>, destroy: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 3000)))]);
  clearTimeout(timer);
  destroy();
}

const rssBytes = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

describe('ingest under a flood of malformed RTMP sessions', () => {
  let nats: TestNats;
  let ingest: TestService;
  let roomsClient: rooms.RoomsServiceClient;
  let mediaClient: media.MediaServiceClient;

  beforeAll(async () => {
    nats = await startNats();
    ingest = await startService(
      'ingest',
      {
        INGEST_HOST: '127.0.0.1',
        INGEST_RTMP_PORT: '0',
        INGEST_GRPC_PORT: '0',
        INGEST_HTTP_PORT: '0',
        INGEST_NATS_URL: nats.url,
        INGEST_LADDER: 'source',
        INGEST_MAX_CONNECTIONS: '1000',
      },
      30_000,
    );
    const address = `127.0.0.1:${ingest.port('grpcPort')}`;
    roomsClient = createClient(onair().rooms.v1.RoomsService, address);
    mediaClient = createClient(onair().media.v1.MediaService, address);
  });

  afterAll(async () => {
    roomsClient?.close();
    mediaClient?.close();
    await ingest?.stop();
    await nats?.stop();
  });

  it('keeps a real publish going, its memory bounded and one log line per broken session', async () => {
    const create = (id: string) =>
      call<rooms.CreateRoomResponse__Output>((cb) => roomsClient.CreateRoom({ id, title: id }, cb));
    const [steady, fuzz] = [await create('steady'), await create('fuzz')];
    const port = ingest.port('rtmpPort');
    const ffmpeg = publishTestStream({
      url: `rtmp://127.0.0.1:${port}/live/${steady.streamKey}`,
      size: '640x360',
      durationS: 90,
    });
    await waitFor(
      async () =>
        (await call<media.ListLiveStreamsResponse__Output>((cb) => mediaClient.ListLiveStreams({}, cb))).streams.some(
          (s) => s.room === 'steady',
        ),
      { timeoutMs: 30_000, what: 'the steady publish to go live' },
    );
    const parts: number[] = [];
    const sub = mediaClient.Subscribe({ room: 'steady' });
    sub.on('data', (e: media.SubscribeResponse__Output) => {
      if (e.part?.rendition === 'source') parts.push(Date.now());
    });
    sub.on('error', () => undefined);
    await waitFor(() => parts.length > 10, { timeoutMs: 30_000, what: 'parts of the steady publish' });
    const pid = ingest.child.pid ?? 0;
    const rssBefore = rssBytes(pid);
    const logsBefore = ingest.logs().length;
    const attackStart = Date.now();

    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < SESSIONS; i = next++) await BREAKERS[i % BREAKERS.length]?.(port, fuzz.streamKey);
      }),
    );
    const attackEnd = Date.now();
    const rssAfter = rssBytes(pid);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    sub.cancel();
    const steadyEnded = ingest.logs().some((l) => l.msg === 'publish ended' && l.room === 'steady');
    await ffmpeg.stop();

    // The steady publish kept its parts flowing through the flood (a part every ~320 ms).
    const during = parts.filter((t) => t >= attackStart && t <= attackEnd + 2000);
    const gaps = during.slice(1).map((t, i) => t - (during[i] ?? t));
    console.info(
      `malformed sessions: ${SESSIONS} in ${attackEnd - attackStart} ms, ${during.length} parts meanwhile, ` +
        `longest gap ${Math.max(...gaps)} ms, RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(rssAfter / 2 ** 20)} MiB`,
    );
    expect(during.length).toBeGreaterThan(((attackEnd - attackStart) / 334) * 0.8);
    expect(Math.max(...gaps)).toBeLessThan(1500);
    expect(rssAfter - rssBefore).toBeLessThan(64 * 2 ** 20);
    expect(steadyEnded).toBe(false);

    // At most one line per broken connection; publishers (of the fuzz room, accepted or refused, and the steady one)
    // log their publish.
    const lines = ingest.logs().slice(logsBefore);
    const publisherConns = new Set(lines.filter((l) => l.room !== undefined).map((l) => l.conn));
    const perConn = new Map<unknown, Array<(typeof lines)[number]>>();
    for (const l of lines)
      if (l.conn && !publisherConns.has(l.conn)) perConn.set(l.conn, [...(perConn.get(l.conn) ?? []), l]);
    expect(perConn.size).toBeGreaterThan(SESSIONS * 0.8);
    expect([...perConn.values()].filter((l) => l.length > 1)).toEqual([]);
  }, 180_000);
});
