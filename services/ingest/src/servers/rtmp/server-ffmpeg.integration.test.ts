import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@onair/runtime';
import { makeSelfSignedCert, publishTestStream, startNatsFixture, waitFor, type NatsFixture } from '@onair/testing';
import { LiveRegistry } from '../../rooms/live-registry.js';
import { createRoomPublishGate } from '../../rooms/room-publish-gate.js';
import { RoomStore } from '../../rooms/room-store.js';
import { RecordingPipeline } from '../../testing/recording-pipeline.js';
import { RtmpServer } from './server.js';

/** Real ffmpeg (libavformat's native RTMP client, digest handshake) against the server, rooms in real NATS. */
describe('RTMP server with real ffmpeg publishers and real NATS rooms', () => {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const log = createLogger({ service: 'ingest', level: 'debug', destination });
  const pipeline = new RecordingPipeline();
  let nats: NatsFixture;
  let store: RoomStore;
  let live: LiveRegistry;
  let server: RtmpServer;
  let port: number;
  let tlsPort: number;
  const certDir = mkdtempSync(join(tmpdir(), 'onair-rtmps-'));
  const url = (key: string): string => `rtmp://127.0.0.1:${port}/live/${key}`;

  beforeAll(async () => {
    nats = await startNatsFixture();
    const { kvm } = nats;
    store = await RoomStore.open(kvm, { log });
    live = await LiveRegistry.open(kvm, { log });
    server = new RtmpServer({ host: '127.0.0.1', port: 0, log, gate: createRoomPublishGate(store, live), pipeline });
    port = await server.listen();
    tlsPort = await server.listenTls(0, makeSelfSignedCert(certDir));
  });

  afterAll(async () => {
    await server?.stop();
    await nats?.stop();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('accepts the right stream key and hands metadata, audio and video to the pipeline', async () => {
    const { streamKey } = await store.create('ff-ok', 'ffmpeg');
    const ffmpeg = publishTestStream({ url: url(streamKey), durationS: 4 });
    expect(await ffmpeg.exited).toBe(0);
    await waitFor(() => pipeline.of('ff-ok')[0]?.endReason !== undefined, { what: 'the publish to end' });
    const [rec] = pipeline.of('ff-ok');
    expect(rec?.metadata[0]).toMatchObject({ width: 1280, height: 720, videocodecid: 7, audiocodecid: 10 });
    expect(rec?.video[0]?.keyframe).toBe(true);
    expect(rec?.video.length).toBeGreaterThanOrEqual(90);
    expect(rec?.audio.length).toBeGreaterThanOrEqual(150);
    expect(rec?.video.at(-1)?.timestampMs).toBeGreaterThan(3500);
    expect(await live.get('ff-ok')).toBeUndefined();
    expect(lines.some((l) => l.msg === 'handshake' && l.kind === 'digest')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(streamKey);
  });

  it('reads extended timestamps across 2^24 ms (4.7 hours) from ffmpeg without a step', async () => {
    const { streamKey } = await store.create('ff-ts24', 'long stream');
    // Timestamps start 5 s below 2^24 ms = 16 777.216 s, so the 24-bit header field overflows mid-publish.
    const ffmpeg = publishTestStream({ url: url(streamKey), durationS: 8, timestampOffsetS: 16_772 });
    expect(await ffmpeg.exited).toBe(0);
    await waitFor(() => pipeline.of('ff-ts24')[0]?.endReason !== undefined, { what: 'the publish to end' });
    // ffmpeg stamps the sequence header 0 and the end of sequence like the last frame: the frames lie between.
    const video =
      pipeline
        .of('ff-ts24')[0]
        ?.video.slice(1, -1)
        .map((v) => v.timestampMs) ?? [];
    expect(video[0]).toBeLessThan(2 ** 24);
    expect(video.at(-1)).toBeGreaterThan(2 ** 24 + 2000);
    const steps = video.slice(1).map((t, i) => t - (video[i] ?? 0));
    expect(Math.min(...steps)).toBeGreaterThan(0);
    expect(Math.max(...steps)).toBeLessThan(100);
  }, 30_000);

  it('takes a publish over RTMPS (TLS) from ffmpeg, and closes a plain RTMP peer on the TLS port', async () => {
    const { streamKey } = await store.create('ff-tls', 'rtmps');
    const plain = connect(tlsPort, '127.0.0.1');
    plain.on('error', () => undefined);
    // Read what the server answers (a TLS alert), or a close that ends gracefully never emits 'close'.
    plain.resume();
    const plainClosed = new Promise((resolve) => plain.once('close', resolve));
    plain.write(Buffer.concat([Buffer.of(3), randomBytes(1536)]));
    const ffmpeg = publishTestStream({ url: `rtmps://127.0.0.1:${tlsPort}/live/${streamKey}`, durationS: 3 });
    expect(await ffmpeg.exited).toBe(0);
    await plainClosed;
    await waitFor(() => pipeline.of('ff-tls')[0]?.endReason !== undefined, { what: 'the publish to end' });
    const [rec] = pipeline.of('ff-tls');
    expect(rec?.video.length).toBeGreaterThanOrEqual(70);
    expect(lines.some((l) => l.msg === 'listening' && l.tls === true)).toBe(true);
  }, 30_000);

  it('refuses a wrong stream key: ffmpeg fails and the server logs BadName', async () => {
    const { streamKey } = await store.create('ff-bad', 'wrong key');
    const ffmpeg = publishTestStream({ url: url(`${streamKey}x`), durationS: 2 });
    expect(await ffmpeg.exited).not.toBe(0);
    expect(ffmpeg.output()).toMatch(/NetStream\.Publish\.BadName|unknown stream key/);
    expect(lines.some((l) => l.msg === 'publish refused' && l.reason === 'bad_stream_key')).toBe(true);
    expect(pipeline.of('ff-bad')).toHaveLength(0);
  });

  it('hands a live room to a second ffmpeg with its key and shrugs off garbage bytes meanwhile', async () => {
    const { streamKey } = await store.create('ff-live', 'busy');
    const first = publishTestStream({ url: url(streamKey), durationS: 30 });
    const publish = await waitFor(
      () => (pipeline.of('ff-live')[0]?.video.length ? pipeline.of('ff-live')[0] : undefined),
      { what: 'the first publish' },
    );

    const garbage = connect(port, '127.0.0.1');
    garbage.on('error', () => undefined);
    garbage.resume();
    const garbageClosed = new Promise((resolve) => garbage.once('close', resolve));
    garbage.write(Buffer.concat([Buffer.of(3), randomBytes(3072), Buffer.of(0xc5), randomBytes(2048)]));
    await garbageClosed;
    await waitFor(() => lines.some((l) => l.msg === 'closed' && l.reason === 'protocol error'), {
      what: 'the garbage connection to be closed',
    });

    // An encoder reconnecting while its old connection is still up: the new one takes the stream over at once.
    const second = publishTestStream({ url: url(streamKey), durationS: 3 });
    expect(await first.exited).not.toBe(0);
    expect(await second.exited).toBe(0);
    await waitFor(() => publish.endReason !== undefined, { what: 'the publish to end' });
    expect(pipeline.of('ff-live')).toHaveLength(1);
    expect(publish.reconnects).toBe(1);
    expect(lines.some((l) => l.msg === 'closed' && l.reason === 'replaced')).toBe(true);
    expect(publish.video.at(-1)?.timestampMs).toBeGreaterThan(2500);
    expect(await live.get('ff-live')).toBeUndefined();
  }, 60_000);
});
