import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '@onair/runtime';
import { ffprobe } from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fmp4Item } from '../fmp4/fmp4-reader.js';
import { readFlv } from '../publish/flv-reader.js';
import { FLV_TAG_TYPE } from '../publish/flv-tag.js';
import { SourceRemux } from './source-remux.js';

// The remux against real encoder output: ffmpeg records what a streamer's encoder sends (libx264 with B-frames,
// AAC), the remux repackages it, and ffprobe/ffmpeg read the result back.

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-remux-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Encodes `seconds` of testsrc2 (25 fps, GOP 50, B-frames) and a sine to FLV with `tracks`, returns its path. */
async function encode(name: string, seconds: number, tracks: { audio: boolean; video: boolean }): Promise<string> {
  const path = join(dir, `${name}.flv`);
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error'],
    ...(tracks.video ? ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25'] : []),
    ...(tracks.audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'] : []),
    ...['-t', String(seconds)],
    ...(tracks.video ? ['-c:v', 'libx264', '-preset', 'veryfast', '-bf', '2', '-pix_fmt', 'yuv420p', '-g', '50'] : []),
    ...(tracks.audio ? ['-c:a', 'aac', '-b:a', '96k'] : []),
    ...['-f', 'flv', path],
  ]);
  return path;
}

/** Feeds an FLV file's tags through the remux and writes init + parts to an MP4 file; returns its path and items. */
async function remuxFile(flv: string): Promise<{ path: string; items: Fmp4Item[] }> {
  const items: Fmp4Item[] = [];
  const remux = new SourceRemux({
    partTargetMs: 334,
    log: createLogger({ service: 'test', level: 'silent' }),
    onItem: (item) => items.push(item),
  });
  for (const tag of readFlv(await readFile(flv)).tags) {
    if (tag.type === FLV_TAG_TYPE.VIDEO) remux.video(tag.timestampMs, tag.body);
    if (tag.type === FLV_TAG_TYPE.AUDIO) remux.audio(tag.timestampMs, tag.body);
  }
  remux.start();
  remux.finish();
  const path = flv.replace(/\.flv$/, '.mp4');
  await writeFile(path, Buffer.concat(items.map((i) => i.data)));
  return { path, items };
}

/** Presentation times of a file's video frames in decode output order, ms, as ffprobe decodes them. */
async function framePts(path: string): Promise<number[]> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', path],
  ]);
  // A frame with side data prints a trailing comma and an empty line after its pts.
  return stdout
    .split('\n')
    .map((l) => l.split(',')[0] ?? '')
    .filter((l) => l !== '')
    .map((l) => Math.round(Number(l) * 1000));
}

describe('SourceRemux on ffmpeg-encoded media', () => {
  it('repackages H.264 with B-frames and AAC so ffmpeg decodes every frame at its own presentation time', async () => {
    const flv = await encode('av', 6, { audio: true, video: true });
    const { path, items } = await remuxFile(flv);
    const probe = await ffprobe(path);
    const video = probe.streams.find((s) => s.codec_type === 'video');
    const audio = probe.streams.find((s) => s.codec_type === 'audio');
    expect(video).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect(audio).toMatchObject({ codec_name: 'aac', sample_rate: '44100', channels: 1 });
    // Same frames at the same presentation times as the FLV (ffprobe decodes both in presentation order).
    const [source, repackaged] = await Promise.all([framePts(flv), framePts(path)]);
    expect(repackaged).toHaveLength(150);
    const offset = (source[0] ?? 0) - (repackaged[0] ?? 0);
    expect(repackaged.map((t) => t + offset)).toEqual(source);
    const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-']);
    expect(stderr).toBe('');
    const parts = items.flatMap((i) => (i.kind === 'part' ? [i.info] : []));
    expect(parts.filter((p) => p.independent).map((p) => p.startMs)).toEqual([0, 2000, 4000]);
    for (const p of parts) expect(p.durationMs).toBeLessThanOrEqual(334);
  });

  it.each([
    { name: 'audio-only', tracks: { audio: true, video: false }, want: ['audio'] },
    { name: 'video-only', tracks: { audio: false, video: true }, want: ['video'] },
  ])('repackages an $name publish that ffmpeg decodes without errors', async ({ name, tracks, want }) => {
    const { path } = await remuxFile(await encode(name, 3, tracks));
    const probe = await ffprobe(path);
    expect(probe.streams.map((s) => s.codec_type)).toEqual(want);
    const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-']);
    expect(stderr).toBe('');
  });
});
