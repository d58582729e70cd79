import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffprobe } from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childBoxes, findPath, type BoxView } from '../fmp4/box.js';
import { parseAv1Config } from './av1-config.js';
import { SAMPLE_FLAGS, writeFragment } from './fragment-writer.js';
import { parseHevcConfig } from './hevc-config.js';
import { writeInitSegment, type InitTrack } from './init-writer.js';
import { opusConfigFromHead } from './opus-config.js';
import { av01Entry, hvc1Entry, opusEntry, vp09Entry } from './sample-entries.js';
import { parseVp9Config, vp9FrameSize } from './vp9-config.js';

// The Enhanced RTMP codecs' sample entries against real encoder output: ffmpeg encodes one frame, its decoder
// configuration and that key frame go through the parsers, writeInitSegment and writeFragment, and ffprobe and
// ffmpeg read the result back.

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-codec-entries-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs ffmpeg quietly with `args` and returns the bytes it wrote to `name` in the test folder. */
async function encode(name: string, args: readonly string[]): Promise<Buffer> {
  const path = join(dir, name);
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, path]);
  return readFile(path);
}

/** One video frame of testsrc2 encoded with `codec` into MP4: its sample entry's `config` box body and first sample. */
async function encodeVideoFrame(
  size: string,
  codec: readonly string[],
  config: string,
): Promise<{ config: Buffer; sample: Buffer }> {
  const mp4 = await encode(`${config}-${size}.mp4`, [
    ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`, '-frames:v', '1', ...codec, '-f', 'mp4'],
  ]);
  const moov = childBoxes(mp4).find((b) => b.type === 'moov');
  const stbl = moov && findPath(mp4, moov, ['trak', 'mdia', 'minf', 'stbl']);
  const stsd = stbl && findPath(mp4, stbl, ['stsd']);
  const stsz = stbl && findPath(mp4, stbl, ['stsz']);
  const stco = stbl && findPath(mp4, stbl, ['stco']);
  if (!stsd || !stsz || !stco) throw new Error(`${config}: no sample table`);
  const [entry] = childBoxes(mp4, stsd.body + 8, stsd.end); // after version, flags, entry_count
  const box = entry && childBoxes(mp4, entry.body + 78, entry.end).find((b: BoxView) => b.type === config);
  if (!box) throw new Error(`no ${config} box`);
  const sampleSize = mp4.readUInt32BE(stsz.body + 4) || mp4.readUInt32BE(stsz.body + 12);
  const offset = mp4.readUInt32BE(stco.body + 8);
  return { config: mp4.subarray(box.body, box.end), sample: mp4.subarray(offset, offset + sampleSize) };
}

/** The packets of an Ogg stream (RFC 3533 §6: pages of lacing values; a value below 255 ends a packet). */
function oggPackets(ogg: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  for (let p = 0; p < ogg.length;) {
    if (ogg.toString('latin1', p, p + 4) !== 'OggS') throw new Error(`no Ogg page at byte ${p}`);
    const segments = ogg.readUInt8(p + 26);
    let data = p + 27 + segments;
    for (let i = 0; i < segments; i++) {
      const lacing = ogg.readUInt8(p + 27 + i);
      pending.push(ogg.subarray(data, data + lacing));
      data += lacing;
      if (lacing < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    p = data;
  }
  return packets;
}

/** Writes init segment + one fragment of one sync sample lasting `duration` ticks, and probes the file. */
async function probeOneSample(name: string, track: Omit<InitTrack, 'trackId'>, sample: Buffer, duration: number) {
  const init = writeInitSegment([{ ...track, trackId: 1 }]);
  const fragment = writeFragment(1, [
    {
      trackId: 1,
      baseMediaDecodeTime: 0,
      samples: [{ duration, size: sample.length, flags: SAMPLE_FLAGS.SYNC, compositionOffset: 0 }],
      data: [sample],
      compositionOffsets: false,
    },
  ]);
  const path = join(dir, `${name}.mp4`);
  await writeFile(path, Buffer.concat([init, fragment]));
  const { streams } = await ffprobe(path);
  const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-']);
  return { stream: streams[0], decodeErrors: stderr };
}

describe('Enhanced RTMP sample entries on ffmpeg-encoded media', () => {
  it.each([
    { name: 'HEVC (libx265) 640x360', size: '640x360', codec: ['-c:v', 'libx265'], w: 640, h: 360 },
    { name: 'HEVC (libx265) 426x240, cropped', size: '426x240', codec: ['-c:v', 'libx265'], w: 426, h: 240 },
  ])('$name: ffprobe reads hevc at the size parsed from the SPS', async ({ size, codec, w, h }) => {
    const { config, sample } = await encodeVideoFrame(size, [...codec, '-x265-params', 'log-level=error'], 'hvcC');
    const hevc = parseHevcConfig(config);
    expect([hevc.width, hevc.height]).toEqual([w, h]);
    const { stream, decodeErrors } = await probeOneSample(
      `hevc-${size}`,
      { handler: 'vide', timescale: 90_000, width: hevc.width, height: hevc.height, sampleEntry: hvc1Entry(hevc) },
      sample,
      3000,
    );
    expect(stream).toMatchObject({ codec_name: 'hevc', width: w, height: h });
    expect(decodeErrors).toBe('');
  });

  it.each([
    { name: 'libaom-av1', codec: ['-c:v', 'libaom-av1', '-cpu-used', '8'], size: '640x360', w: 640, h: 360 },
    { name: 'libsvtav1', codec: ['-c:v', 'libsvtav1', '-preset', '12'], size: '1280x720', w: 1280, h: 720 },
  ])('AV1 ($name): ffprobe reads av1 at the size parsed from the sequence header', async ({ codec, size, w, h }) => {
    const { config, sample } = await encodeVideoFrame(size, codec, 'av1C');
    const av1 = parseAv1Config(config);
    expect([av1.width, av1.height]).toEqual([w, h]);
    const { stream, decodeErrors } = await probeOneSample(
      `av1-${size}`,
      { handler: 'vide', timescale: 90_000, width: av1.width, height: av1.height, sampleEntry: av01Entry(av1) },
      sample,
      3000,
    );
    expect(stream).toMatchObject({ codec_name: 'av1', width: w, height: h });
    expect(decodeErrors).toBe('');
  });

  it.each([
    { name: 'the vpcC body with version and flags', bare: false, size: '640x360', w: 640, h: 360 },
    { name: 'the bare record', bare: true, size: '426x240', w: 426, h: 240 },
  ])('VP9 (libvpx-vp9) from $name: ffprobe reads vp9 and the key frame size', async ({ bare, size, w, h }) => {
    const { config, sample } = await encodeVideoFrame(
      size,
      ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8'],
      'vpcC',
    );
    const vp9 = parseVp9Config(bare ? config.subarray(4) : config);
    const frameSize = vp9FrameSize(sample);
    expect(frameSize).toEqual({ width: w, height: h });
    if (!frameSize) throw new Error('the first VP9 frame is not a key frame');
    const { stream, decodeErrors } = await probeOneSample(
      `vp9-${size}`,
      {
        handler: 'vide',
        timescale: 90_000,
        ...frameSize,
        sampleEntry: vp09Entry(vp9, frameSize.width, frameSize.height),
      },
      sample,
      3000,
    );
    expect(stream).toMatchObject({ codec_name: 'vp9', width: w, height: h });
    expect(decodeErrors).toBe('');
  });

  it.each([
    { name: 'stereo', channels: 2 },
    { name: '5.1 (mapping family 1)', channels: 6 },
  ])('Opus (libopus) $name from its OpusHead: ffprobe reads opus at 48 kHz', async ({ channels }) => {
    const ogg = await encode(`opus-${channels}.ogg`, [
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '0.1', '-ac', String(channels)],
      ...['-c:a', 'libopus', '-f', 'ogg'],
    ]);
    const [head, , packet] = oggPackets(ogg); // OpusHead, OpusTags, the first audio packet
    if (!head || !packet) throw new Error('no Opus packets');
    const opus = opusConfigFromHead(head);
    expect(opus.channels).toBe(channels);
    const { stream, decodeErrors } = await probeOneSample(
      `opus-${channels}`,
      { handler: 'soun', timescale: 48_000, width: 0, height: 0, sampleEntry: opusEntry(opus) },
      packet,
      960,
    );
    expect(stream).toMatchObject({ codec_name: 'opus', channels, sample_rate: '48000' });
    expect(decodeErrors).toBe('');
  });
});
