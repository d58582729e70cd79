import { Writable } from 'node:stream';
import type { TimelineAnchor } from '@onair/contracts';
import { createLogger, type Logger } from '@onair/runtime';
import { encodeAmf0 } from '../protocols/rtmp/amf0-encode.js';
import { setChunkSizeMessage } from '../protocols/rtmp/messages.js';
import type { KeyCheck, PublishGate, PublishLease } from '../servers/rtmp/publish-gate.js';
import { RecordingPipeline } from './recording-pipeline.js';
import { RtmpTestClient, clientCommand } from './rtmp-test-client.js';
import { RtmpServer, type RtmpServerOptions } from '../servers/rtmp/server.js';

/**
 * Keys "good-<room>" open <room>; a room has one live lock at a time, taken over when asked (the holder's onLost
 * then fires, as another instance's refresh would find); anything else is a bad key. Timeline anchors of
 * continued publishes are kept by room, each after `continueDelayMs` (a slow NATS write).
 */
export class FakeGate implements PublishGate {
  readonly live = new Set<string>();
  readonly released: string[] = [];
  readonly lost = new Map<string, () => void>();
  readonly anchors = new Map<string, TimelineAnchor[]>();
  continueDelayMs = 0;

  async verify(streamKey: string): Promise<KeyCheck> {
    if (!streamKey.startsWith('good-'))
      return { ok: false, reason: 'bad_stream_key', description: 'unknown stream key' };
    return { ok: true, room: streamKey.slice(5) };
  }

  async acquire(room: string, publishId: string, _log: Logger, takeOver: boolean): Promise<PublishLease | undefined> {
    if (this.live.has(room)) {
      if (!takeOver) return undefined;
      this.lost.get(room)?.();
    }
    this.live.add(room);
    let held = true;
    return {
      room,
      publishId,
      startedAtMs: Date.now(),
      onLost: (cb) =>
        this.lost.set(room, () => {
          held = false;
          cb();
        }),
      continueAt: async (anchor) => {
        await new Promise((resolve) => setTimeout(resolve, this.continueDelayMs));
        this.anchors.set(room, [...(this.anchors.get(room) ?? []), anchor]);
      },
      release: async () => {
        if (!held) return;
        held = false;
        this.live.delete(room);
        this.released.push(room);
      },
    };
  }
}

export function captureLog(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: createLogger({ service: 'ingest', level: 'debug', destination }), lines };
}

export const connectCmd = (app = 'live') =>
  clientCommand(0, 'connect', 1, { app, type: 'nonprivate', flashVer: 'FMLE/3.0', tcUrl: `rtmp://127.0.0.1/${app}` });

/** connect + releaseStream + FCPublish + createStream + publish in one write, as ffmpeg pipelines them. */
export async function publishPipelined(client: RtmpTestClient, key: string): Promise<void> {
  await client.handshake();
  client.send(
    setChunkSizeMessage(4096),
    connectCmd(),
    clientCommand(0, 'releaseStream', 2, null, key),
    clientCommand(0, 'FCPublish', 3, null, key),
    clientCommand(0, 'createStream', 4, null),
    clientCommand(1, 'publish', 5, null, key, 'live'),
  );
  await client.command((c) => c.name === 'onStatus');
}

/**
 * A 100-byte-scale `@setDataFrame onMetaData` body whose ECMA array `{ x: [o0 … o_levels] }` holds o0 = {} and
 * o_k = { a: o_(k-1), b: o_(k-1) } as reference markers (AMF0 spec §2.9): it expands to 2^levels values.
 */
export function referenceBombMetadata(levels: number): Buffer {
  const ref = (index: number): Buffer => Buffer.of(0x07, index >> 8, index & 0xff);
  const count = Buffer.alloc(5);
  count[0] = 0x0a; // strict array (reference 1), after the ECMA array (reference 0)
  count.writeUInt32BE(levels + 1, 1);
  const objects = Array.from({ length: levels }, (_, i) =>
    Buffer.concat([Buffer.of(0x03, 0, 1, 0x61), ref(i + 2), Buffer.of(0, 1, 0x62), ref(i + 2), Buffer.of(0, 0, 9)]),
  );
  return Buffer.concat([
    encodeAmf0('@setDataFrame', 'onMetaData'),
    Buffer.of(0x08, 0, 0, 0, 1, 0, 1, 0x78),
    count,
    Buffer.of(0x03, 0, 0, 9),
    ...objects,
    Buffer.of(0, 0, 9),
  ]);
}

export const statusOf = (client: RtmpTestClient): Record<string, unknown> | undefined =>
  client.commands().find((c) => c.name === 'onStatus')?.args[0] as Record<string, unknown> | undefined;

/** A started RtmpServer on a free port with a fake gate, a recording pipeline and captured logs. */
export interface TestServer {
  readonly server: RtmpServer;
  readonly port: number;
  readonly gate: FakeGate;
  readonly pipeline: RecordingPipeline;
  readonly lines: Array<Record<string, unknown>>;
  /** Opens a client (closed by {@link TestServer.stop}). */
  open(): Promise<RtmpTestClient>;
  /** Destroys the clients and stops the server. */
  stop(): Promise<void>;
}

/** Starts a server for tests: 64 KiB message limit, 500 ms handshake timeout, then `overrides`. */
export async function startTestServer(overrides: Partial<RtmpServerOptions> = {}): Promise<TestServer> {
  const gate = new FakeGate();
  const pipeline = new RecordingPipeline();
  const { log, lines } = captureLog();
  const server = new RtmpServer({
    host: '127.0.0.1',
    port: 0,
    log,
    gate,
    pipeline,
    maxMessageBytes: 64 * 1024,
    handshakeTimeoutMs: 500,
    ...overrides,
  });
  const port = await server.listen();
  const clients: RtmpTestClient[] = [];
  return {
    server,
    port,
    gate,
    pipeline,
    lines,
    async open() {
      const c = await RtmpTestClient.open(port);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients.splice(0)) c.socket.destroy();
      await server.stop();
    },
  };
}
