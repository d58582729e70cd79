import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoxSplitter } from './box-splitter.js';
import { Fmp4Error } from './box.js';
import { Fmp4Reader, type Fmp4Item } from './fmp4-reader.js';

const run = promisify(execFile);
const MAX_BOX = 1024 * 1024;

interface ProbePacket {
  stream_index: number;
  dts: number;
  duration: number;
  flags: string;
}
interface ProbeStream {
  index: number;
  codec_type: string;
  profile: string;
  level?: number;
  width?: number;
  height?: number;
  time_base: string;
}

let dir: string;
let file: Buffer;
let packets: ProbePacket[];
let streams: ProbeStream[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-fmp4-'));
  const path = join(dir, 'small.mp4');
  // 2 s of 96x64 H.264 (GOP 25 frames = 1 s) + AAC, fragmented the way the pipeline asks ffmpeg to.
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=25'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '2'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '32k'],
    ...['-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '500000', '-f', 'mp4', path],
  ]);
  file = await readFile(path);
  const probe = await run('ffprobe', ['-v', 'error', '-show_packets', '-show_streams', '-of', 'json', path], {
    maxBuffer: 8 * 1024 * 1024,
  });
  ({ packets, streams } = JSON.parse(probe.stdout) as { packets: ProbePacket[]; streams: ProbeStream[] });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Feeds `chunks` through a fresh reader; returns what it yields. */
function readAll(chunks: Buffer[]): Fmp4Item[] {
  const reader = new Fmp4Reader(MAX_BOX);
  return chunks.flatMap((c) => reader.push(c));
}

/** A comparable digest of the items: kinds, bytes and parsed info. */
function digest(items: Fmp4Item[]): unknown[] {
  return items.map((i) => ({ kind: i.kind, bytes: i.data.toString('base64'), info: i.info }));
}

describe('Fmp4Reader on an fMP4 written by ffmpeg', () => {
  it('yields the init segment (ftyp+moov) then one part per moof+mdat, skipping mfra', () => {
    const items = readAll([file]);
    expect(items.map((i) => i.kind)).toEqual(['init', 'part', 'part', 'part', 'part', 'part']);
    const rebuilt = Buffer.concat(items.map((i) => i.data));
    // Everything but the trailing mfra box, byte for byte.
    expect(rebuilt.equals(file.subarray(0, rebuilt.length))).toBe(true);
    expect(file.toString('latin1', rebuilt.length + 4, rebuilt.length + 8)).toBe('mfra');
  });

  it('cuts the same boxes when the stream is split at every byte boundary', () => {
    const whole = new BoxSplitter(MAX_BOX).push(file);
    for (let cut = 1; cut < file.length; cut++) {
      const splitter = new BoxSplitter(MAX_BOX);
      const boxes = [...splitter.push(file.subarray(0, cut)), ...splitter.push(file.subarray(cut))];
      const same =
        boxes.length === whole.length &&
        boxes.every((b, i) => b.type === whole[i]?.type && b.data.equals(whole[i].data));
      if (!same || splitter.pendingBytes !== 0) throw new Error(`split at byte ${cut} cut different boxes`);
    }
    expect(whole.map((b) => b.type)).toEqual([
      'ftyp',
      'moov',
      'moof',
      'mdat',
      'moof',
      'mdat',
      'moof',
      'mdat',
      'moof',
      'mdat',
      'moof',
      'mdat',
      'mfra',
    ]);
  });

  it('yields the same init and parts when the stream is split at every byte boundary of its first fragments', () => {
    const whole = readAll([file]).slice(0, 3);
    const prefix = file.subarray(
      0,
      whole.reduce((n, i) => n + i.data.length, 0),
    );
    const infos = JSON.stringify(whole.map((i) => i.info));
    for (let cut = 1; cut < prefix.length; cut++) {
      const items = readAll([prefix.subarray(0, cut), prefix.subarray(cut)]);
      const same =
        items.length === whole.length && items.every((item, i) => item.data.equals(whole[i]?.data ?? Buffer.alloc(0)));
      if (!same || JSON.stringify(items.map((i) => i.info)) !== infos)
        throw new Error(`split at byte ${cut} yields different items`);
    }
    expect(whole.map((i) => i.kind)).toEqual(['init', 'part', 'part']);
  });

  it('yields the same items when fed one byte at a time', () => {
    const bytes = Array.from({ length: file.length }, (_, i) => file.subarray(i, i + 1));
    expect(digest(readAll(bytes))).toEqual(digest(readAll([file])));
  });

  it('reads codecs, timescales and picture size from the init segment as ffprobe does', () => {
    const [init] = readAll([file]);
    if (init?.kind !== 'init') throw new Error('no init');
    const video = streams.find((s) => s.codec_type === 'video');
    const audio = streams.find((s) => s.codec_type === 'audio');
    expect(video?.profile).toBe('High');
    const level = (video?.level ?? 0).toString(16).padStart(2, '0');
    expect(
      init.info.tracks.map((t) => ({
        handler: t.handler,
        codec: t.codec,
        timescale: t.timescale,
        width: t.width,
        height: t.height,
      })),
    ).toEqual([
      {
        handler: 'vide',
        codec: `avc1.6400${level}`,
        timescale: Number(video?.time_base.split('/')[1]),
        width: 96,
        height: 64,
      },
      { handler: 'soun', codec: 'mp4a.40.2', timescale: Number(audio?.time_base.split('/')[1]), width: 0, height: 0 },
    ]);
  });

  it('reads each part: video frames, duration, start and keyframe flag match ffprobe -show_packets', () => {
    const items = readAll([file]);
    const init = items[0];
    if (init?.kind !== 'init') throw new Error('no init');
    const videoTrack = init.info.tracks[0];
    const videoPackets = packets.filter((p) => p.stream_index === 0).sort((a, b) => a.dts - b.dts);
    const timescale = videoTrack?.timescale ?? 1;
    let next = 0;
    const withVideo = items.filter((i) => i.kind === 'part' && i.info.videoFrames > 0);
    for (const part of withVideo) {
      if (part.kind !== 'part') continue;
      const mine = videoPackets.slice(next, next + part.info.videoFrames);
      next += part.info.videoFrames;
      expect(part.info.independent).toBe(mine[0]?.flags.startsWith('K'));
      expect(part.info.startMs).toBeCloseTo(((mine[0]?.dts ?? NaN) * 1000) / timescale, 6);
      expect(part.info.durationMs).toBeCloseTo((mine.reduce((s, p) => s + p.duration, 0) * 1000) / timescale, 6);
    }
    expect(next).toBe(videoPackets.length);
    expect(withVideo.map((p) => p.kind === 'part' && p.info.independent)).toEqual([true, false, true, false]);
    const last = items.at(-1);
    // The last fragment carries the remaining audio only: no frames, not a place to start a segment.
    expect(last?.kind === 'part' && last.info).toMatchObject({ videoFrames: 0, independent: false });
  });

  it.each([
    { name: 'a part before the init segment', input: () => file.subarray(28 + 1227), error: /moof before the init/ },
    { name: 'a box over the size bound', input: () => file, max: 1000, error: /exceeds the bound of 1000/ },
  ])('rejects $name', ({ input, max, error }) => {
    const reader = new Fmp4Reader(max ?? MAX_BOX);
    expect(() => reader.push(input())).toThrow(Fmp4Error);
    expect(() => new Fmp4Reader(max ?? MAX_BOX).push(input())).toThrow(error);
  });
});
