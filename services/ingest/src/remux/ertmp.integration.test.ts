import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MediaHub, type MediaEvent, type StreamStarted } from '@onair/media';
import { createLogger } from '@onair/runtime';
import { MESSAGE_TYPE, setChunkSizeMessage } from '../protocols/rtmp/messages.js';
import { createPublishPipeline } from '../publish/pipeline.js';
import { eventsOf, openHarness, probeSegment, type PipelineHarness } from '../testing/pipeline-harness.js';
import { readFmp4Track } from '../testing/fmp4-samples.js';
import { clientCommand, clientMessage } from '../testing/rtmp-test-client.js';
import { startTestServer } from '../testing/test-server.js';
import { ladderSchema } from '../transcode/ladder.js';

// Enhanced RTMP publishes of real encoder output (x265, SVT-AV1, libvpx, libopus) through the whole pipeline
// with the source-only ladder: the publish is replayed as E-RTMP messages (SequenceStart, CodedFrames and
// CodedFramesX, some inside ModEx and multitrack wrappers with a second track to ignore), and ffprobe reads the
// parts back.

const run = promisify(execFile);
let dir: string;
let h: PipelineHarness | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-ertmp-'));
});
afterEach(async () => {
  await h?.pipeline.close();
  h = undefined;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Encodes 3 s of testsrc2 640x360 at 25 fps with `codec` into fragmented MP4, one frame per fragment. */
async function encode(name: string, input: readonly string[], codec: readonly string[]): Promise<Buffer> {
  const path = join(dir, `${name}.mp4`);
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', ...input, '-t', '3', ...codec],
    ...['-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '1', '-f', 'mp4', path],
  ]);
  return readFile(path);
}

const VIDEO_INPUT = ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25'];
const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
/** ExVideoTagHeader first byte (enhanced-rtmp v2): IsExHeader, FrameType, VideoPacketType. */
const exVideo = (frameType: number, packetType: number): Buffer => Buffer.from([0x80 | (frameType << 4) | packetType]);

describe('Enhanced RTMP publishes through the source remux', () => {
  it.each([
    {
      fourCc: 'hvc1',
      box: 'hvcC',
      codec: ['-c:v', 'libx265', '-x265-params', 'bframes=0:log-level=error', '-g', '25'],
      name: 'hevc',
    },
    { fourCc: 'av01', box: 'av1C', codec: ['-c:v', 'libsvtav1', '-preset', '12', '-g', '25'], name: 'av1' },
    {
      fourCc: 'vp09',
      box: 'vpcC',
      codec: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-g', '25'],
      name: 'vp9',
    },
  ])(
    'passes $fourCc through as $fourCc fMP4 that ffmpeg decodes frame for frame',
    async ({ fourCc, box, codec, name }) => {
      const track = readFmp4Track(await encode(name, VIDEO_INPUT, codec), box, 78);
      const harness = (h = openHarness('source', { width: 640, height: 360, videocodecid: 0x68766331 }));
      const tag = Buffer.from(fourCc, 'latin1');
      harness.sink.video(0, Buffer.concat([exVideo(1, 0), tag, track.config]));
      track.samples.forEach((s, i) => {
        const frameType = s.keyframe ? 1 : 2;
        let body: Buffer;
        if (i % 3 === 0)
          body = Buffer.concat([exVideo(frameType, 3), tag, s.data]); // CodedFramesX
        else if (i % 3 === 1 && fourCc === 'hvc1') body = Buffer.concat([exVideo(frameType, 1), tag, u24(0), s.data]);
        else if (i % 3 === 1) body = Buffer.concat([exVideo(frameType, 1), tag, s.data]);
        else {
          // ModEx (a TimestampOffsetNano of 0), then Multitrack ManyTracks: track 1 (ignored), then track 0.
          const other = Buffer.from('not this track');
          body = Buffer.concat([
            exVideo(frameType, 7),
            Buffer.from([2, 0, 0, 0, 0x00 | 6]),
            Buffer.from([(1 << 4) | 3]),
            tag,
            Buffer.from([1]),
            u24(other.length),
            other,
            Buffer.from([0]),
            u24(s.data.length),
            s.data,
          ]);
        }
        harness.sink.video(s.dtsMs, body);
      });
      await harness.sink.end('publisher left');
      const [rendition] = harness.started()?.renditions ?? [];
      expect(rendition).toMatchObject({ name: 'source', width: 640, height: 360 });
      expect(rendition?.codecs.startsWith(`${fourCc}.`)).toBe(true);
      const [init] = eventsOf(harness.events, 'initSegment', 'source');
      const parts = eventsOf(harness.events, 'part', 'source').map((e) => e.part);
      expect(parts.filter((p) => p.independent)).toHaveLength(3);
      const probe = await probeSegment(dir, `${name}-out`, init?.initSegment.data ?? Buffer.alloc(0), parts);
      expect(probe.streams.map((s) => [s.codec_name, s.width, s.height])).toEqual([[name, 640, 360]]);
      expect(probe.videoFrames).toBe(track.samples.length);
    },
    60_000,
  );

  it('passes Opus audio through with its channel count, cut into parts by packet durations', async () => {
    const mp4 = await encode(
      'opus',
      ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ['-ac', '2', '-c:a', 'libopus'],
    );
    const track = readFmp4Track(mp4, 'dOps', 28);
    // dOps (big-endian) → OpusHead (RFC 7845 §5.1, little-endian), as an E-RTMP Opus SequenceStart carries it.
    const d = track.config;
    const head = Buffer.alloc(19);
    head.write('OpusHead', 0, 'latin1');
    head.writeUInt8(1, 8);
    head.writeUInt8(d.readUInt8(1), 9);
    head.writeUInt16LE(d.readUInt16BE(2), 10);
    head.writeUInt32LE(d.readUInt32BE(4), 12);
    head.writeInt16LE(d.readInt16BE(8), 16);
    head.writeUInt8(d.readUInt8(10), 18);
    const harness = (h = openHarness('source', { audiocodecid: 0x4f707573 }));
    const exAudio = (packetType: number): Buffer =>
      Buffer.concat([Buffer.from([(9 << 4) | packetType]), Buffer.from('Opus')]);
    harness.sink.audio(0, Buffer.concat([exAudio(0), head]));
    for (const s of track.samples) harness.sink.audio(s.dtsMs, Buffer.concat([exAudio(1), s.data]));
    await harness.sink.end('publisher left');
    expect(harness.started()?.renditions[0]?.codecs).toBe('opus');
    const [init] = eventsOf(harness.events, 'initSegment', 'source');
    const parts = eventsOf(harness.events, 'part', 'source').map((e) => e.part);
    for (const p of parts) expect(p.durationMs).toBeLessThanOrEqual(334);
    const probe = await probeSegment(dir, 'opus-out', init?.initSegment.data ?? Buffer.alloc(0), parts);
    expect(probe.streams.map((s) => [s.codec_name, s.channels])).toEqual([['opus', 2]]);
    const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', join(dir, 'opus-out.mp4'), '-f', 'null', '-']);
    expect(stderr).toBe('');
  }, 60_000);

  it('transcodes an HEVC publish to H.264 from the source fMP4, beside the hvc1 source', async () => {
    const track = readFmp4Track(
      await encode('hevc-ladder', VIDEO_INPUT, ['-c:v', 'libx265', '-x265-params', 'log-level=error', '-g', '25']),
      'hvcC',
      78,
    );
    const harness = (h = openHarness(
      'source,240p=426x240@300k',
      { width: 640, height: 360 },
      { endTimeoutMs: 30_000 },
    ));
    const tag = Buffer.from('hvc1', 'latin1');
    harness.sink.video(0, Buffer.concat([exVideo(1, 0), tag, track.config]));
    for (const s of track.samples)
      harness.sink.video(s.dtsMs, Buffer.concat([exVideo(s.keyframe ? 1 : 2, 3), tag, s.data]));
    await harness.sink.end('publisher left');
    const renditions = harness.started()?.renditions ?? [];
    expect(renditions.map((r) => [r.name, r.codecs.slice(0, 4), r.width, r.height])).toEqual([
      ['source', 'hvc1', 640, 360],
      ['240p', 'avc1', 426, 240],
    ]);
    expect(harness.ffmpegPids()).toHaveLength(1);
    const [init] = eventsOf(harness.events, 'initSegment', '240p');
    const parts = eventsOf(harness.events, 'part', '240p').map((e) => e.part);
    const probe = await probeSegment(dir, 'hevc-240p', init?.initSegment.data ?? Buffer.alloc(0), parts);
    expect(probe.streams.map((s) => [s.codec_name, s.width, s.height])).toEqual([['h264', 426, 240]]);
    // Every source frame but the few the transcoder may still hold at the end made it.
    expect(probe.videoFrames).toBeGreaterThan(track.samples.length - 10);
    const [first] = parts;
    const [sourceFirst] = eventsOf(harness.events, 'part', 'source').map((e) => e.part);
    expect(Math.abs((first?.programDateTimeMs ?? 0) - (sourceFirst?.programDateTimeMs ?? 0))).toBeLessThan(1000);
  }, 60_000);

  it('takes HEVC from an E-RTMP publisher over an RTMP connection', async () => {
    const track = readFmp4Track(
      await encode('hevc-rtmp', VIDEO_INPUT, [
        '-c:v',
        'libx265',
        '-x265-params',
        'bframes=0:log-level=error',
        '-g',
        '25',
      ]),
      'hvcC',
      78,
    );
    const hub = new MediaHub();
    const events: MediaEvent[] = [];
    let started: StreamStarted | undefined;
    hub.onStarted((stream) => {
      started = stream.info;
      stream.listen((e) => events.push(e));
    });
    const log = createLogger({ service: 'test', level: 'silent' });
    const pipeline = createPublishPipeline({
      hub,
      ladder: ladderSchema.parse('source'),
      ffmpegPath: 'ffmpeg',
      targetSegmentMs: 2000,
      log,
    });
    const server = await startTestServer({ pipeline });
    try {
      const client = await server.open();
      await client.handshake();
      client.send(
        setChunkSizeMessage(4096),
        clientCommand(0, 'connect', 1, { app: 'live', fourCcList: ['hvc1'], capsEx: 6 }),
        clientCommand(0, 'createStream', 2, null),
        clientCommand(1, 'publish', 3, null, 'good-hevc', 'live'),
      );
      const status = await client.command((c) => c.name === 'onStatus');
      expect(status.args[0]).toMatchObject({ code: 'NetStream.Publish.Start' });
      const tag = Buffer.from('hvc1', 'latin1');
      client.send(clientMessage(MESSAGE_TYPE.VIDEO, 1, 0, Buffer.concat([exVideo(1, 0), tag, track.config])));
      for (const s of track.samples)
        client.send(
          clientMessage(
            MESSAGE_TYPE.VIDEO,
            1,
            s.dtsMs,
            Buffer.concat([exVideo(s.keyframe ? 1 : 2, 1), tag, u24(0), s.data]),
          ),
        );
      client.send(clientCommand(0, 'FCUnpublish', 4, null, 'good-hevc'), clientCommand(0, 'deleteStream', 5, null, 1));
      await client.until(() => events.some((e) => e.event === 'streamEnded'), 20_000);
      expect(started?.renditions[0]?.codecs.startsWith('hvc1.')).toBe(true);
      const [init] = eventsOf(events, 'initSegment', 'source');
      const parts = eventsOf(events, 'part', 'source').map((e) => e.part);
      const probe = await probeSegment(dir, 'hevc-rtmp-out', init?.initSegment.data ?? Buffer.alloc(0), parts);
      expect(probe.streams.map((p) => [p.codec_name, p.width, p.height])).toEqual([['hevc', 640, 360]]);
      expect(probe.videoFrames).toBe(track.samples.length);
    } finally {
      await server.stop();
      await pipeline.close();
    }
  }, 60_000);
});
