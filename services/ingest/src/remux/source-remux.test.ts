import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@onair/runtime';
import type { Fmp4Item } from '../fmp4/fmp4-reader.js';
import { parseMoof, type TrackRun } from '../fmp4/fragment.js';
import { aacFrame, aacHeader, avcFrame, avcHeader, AVCC_360P } from '../testing/flv-bodies.js';
import { RemuxError } from './remux-error.js';
import { SourceRemux } from './source-remux.js';

const PART_TARGET_MS = 334;
type Message = { type: 'audio' | 'video'; ts: number; body: Buffer };

/** A publish as an encoder sends it: headers, then 30 fps video (keyframe every `gop` frames) and 48 kHz AAC. */
function publish(
  seconds: number,
  o: { audio?: boolean; video?: boolean; gop?: number; startMs?: number } = {},
): Message[] {
  const { audio = true, video = true, gop = 60, startMs = 0 } = o;
  const out: Message[] = [];
  if (video) out.push({ type: 'video', ts: startMs, body: avcHeader() });
  if (audio) out.push({ type: 'audio', ts: startMs, body: aacHeader() });
  const frames: Message[] = [];
  if (video)
    for (let i = 0; i < seconds * 30; i++)
      frames.push({ type: 'video', ts: startMs + Math.round((i * 1000) / 30), body: avcFrame(i % gop === 0) });
  if (audio)
    for (let i = 0; i < (seconds * 48000) / 1024; i++)
      frames.push({ type: 'audio', ts: startMs + Math.round((i * 1024 * 1000) / 48000), body: aacFrame() });
  return [...out, ...frames.sort((a, b) => a.ts - b.ts)];
}

function remux(messages: readonly Message[], startAfter = 0): { items: Fmp4Item[]; remux: SourceRemux } {
  const items: Fmp4Item[] = [];
  const r = new SourceRemux({
    partTargetMs: PART_TARGET_MS,
    log: createLogger({ service: 'test', level: 'silent' }),
    onItem: (item) => items.push(item),
  });
  messages.forEach((m, i) => {
    if (i === startAfter) r.start();
    r[m.type](m.ts, m.body);
  });
  if (startAfter >= messages.length) r.start();
  r.finish();
  return { items, remux: r };
}

const inits = (items: readonly Fmp4Item[]) => items.filter((i) => i.kind === 'init');
const parts = (items: readonly Fmp4Item[]) => items.flatMap((i) => (i.kind === 'part' ? [i] : []));
function runs(items: readonly Fmp4Item[]): TrackRun[][] {
  const init = inits(items)[0];
  if (!init || init.kind !== 'init') throw new Error('no init');
  return parts(items).map((p) => parseMoof(p.data.subarray(0, p.data.readUInt32BE(0)), init.info));
}

describe('SourceRemux', () => {
  it('writes one init segment with an avc1 and an mp4a track', () => {
    const { items } = remux(publish(1));
    expect(inits(items)).toHaveLength(1);
    expect(items[0]?.kind).toBe('init');
    const [init] = inits(items);
    expect(
      init?.kind === 'init' && init.info.tracks.map((t) => [t.handler, t.codec, t.timescale, t.width, t.height]),
    ).toEqual([
      ['vide', 'avc1.64001e', 90_000, 640, 360],
      ['soun', 'mp4a.40.2', 48_000, 0, 0],
    ]);
  });

  it('cuts parts within the part target, each keyframe starting one, and loses no frame', () => {
    const { items } = remux(publish(4));
    const ps = parts(items);
    for (const p of ps) expect(p.info.durationMs).toBeLessThanOrEqual(PART_TARGET_MS);
    expect(ps.filter((p) => p.info.independent).map((p) => p.info.startMs)).toEqual([0, 2000]);
    // 30 fps: ten frames (333 or 334 ms) a part, cut short only before a keyframe.
    expect(ps.map((p) => p.info.videoFrames)).toEqual(Array(12).fill(10));
    expect(ps.reduce((n, p) => n + p.info.videoFrames, 0)).toBe(120);
  });

  it('runs each track continuously: every part starts where the one before ended', () => {
    const { items } = remux(publish(4));
    const all = runs(items);
    for (const trackId of [1, 2]) {
      const track = all.flatMap((r) => r.filter((t) => t.trackId === trackId));
      for (let i = 1; i < track.length; i++) {
        const [prev, cur] = [track[i - 1], track[i]];
        expect(cur?.baseMediaDecodeTime).toBe((prev?.baseMediaDecodeTime ?? 0) + (prev?.duration ?? 0));
      }
    }
    const audioSamples = all
      .flat()
      .filter((t) => t.trackId === 2)
      .reduce((n, t) => n + t.sampleCount, 0);
    expect(audioSamples).toBe(Math.ceil((4 * 48000) / 1024));
  });

  it('puts audio in the part its decode time falls in', () => {
    const { items } = remux(publish(2));
    for (const [video, audio] of runs(items).slice(0, -1)) {
      if (!video || !audio) continue;
      const [vStart, vEnd] = [video.baseMediaDecodeTime / 90, (video.baseMediaDecodeTime + video.duration) / 90];
      expect(audio.baseMediaDecodeTime / 48).toBeGreaterThanOrEqual(vStart - 1024 / 48);
      expect((audio.baseMediaDecodeTime + audio.duration - 1024) / 48).toBeLessThan(vEnd);
    }
  });

  it('starts the timeline at the earliest timestamp held, however late the publish starts', () => {
    const { items } = remux(publish(1, { startMs: 16_777_000 }), Infinity);
    expect(parts(items)[0]?.info.startMs).toBe(0);
  });

  it('drops video before the first keyframe and the audio before it', () => {
    const msgs = publish(3).filter(
      (m) => !(m.type === 'video' && m.ts < 1000 && m.body[0] === 0x17 && m.body[1] === 1),
    );
    const { items } = remux(msgs);
    const first = parts(items)[0];
    expect(first?.info).toMatchObject({ independent: true, startMs: 2000 });
    const audioStart = runs(items)[0]?.find((t) => t.trackId === 2)?.baseMediaDecodeTime ?? 0;
    expect(audioStart / 48).toBeGreaterThanOrEqual(2000);
  });

  it('cuts audio-only streams into parts of whole AAC frames within the target', () => {
    const { items } = remux(publish(2, { video: false }));
    const [init] = inits(items);
    expect(init?.kind === 'init' && init.info.tracks.map((t) => t.handler)).toEqual(['soun']);
    for (const p of parts(items)) {
      expect(p.info).toMatchObject({ independent: true, videoFrames: 0 });
      expect(p.info.durationMs).toBeLessThanOrEqual(PART_TARGET_MS);
    }
    expect(parts(items)[0]?.info.durationMs).toBeCloseTo((15 * 1024 * 1000) / 48000, 6);
  });

  it('writes video-only streams with a video track alone', () => {
    const { items } = remux(publish(2, { audio: false }));
    const [init] = inits(items);
    expect(init?.kind === 'init' && init.info.tracks.map((t) => t.handler)).toEqual(['vide']);
    expect(parts(items).reduce((n, p) => n + p.info.videoFrames, 0)).toBe(60);
  });

  it('writes a new init segment when the sequence header changes, and none when it is sent again', () => {
    const msgs = publish(2);
    const again = { type: 'video' as const, ts: 500, body: avcHeader() };
    const changed = Buffer.from(AVCC_360P);
    changed[3] = 0x1f; // level 3.1
    const change = { type: 'video' as const, ts: 1000, body: avcHeader(changed) };
    const at = (ts: number) => msgs.findIndex((m) => m.ts >= ts);
    const spliced = [
      ...msgs.slice(0, at(500)),
      again,
      ...msgs.slice(at(500), at(1000)),
      change,
      ...msgs.slice(at(1000)),
    ];
    const { items } = remux(spliced);
    expect(inits(items).map((i) => i.kind === 'init' && i.info.tracks[0]?.codec)).toEqual([
      'avc1.64001e',
      'avc1.64001f',
    ]);
  });

  it('refuses malformed and unsupported video with a RemuxError', () => {
    const r = new SourceRemux({
      partTargetMs: PART_TARGET_MS,
      log: createLogger({ service: 'test', level: 'silent' }),
      onItem: () => undefined,
    });
    r.start();
    for (const body of [
      Buffer.alloc(0),
      Buffer.from([0x17, 1]),
      Buffer.from([0x12, 0]),
      Buffer.from([0x17, 9, 0, 0, 0]),
    ])
      expect(() => r.video(0, body)).toThrow(RemuxError);
  });

  it('throws nothing but RemuxError whatever bytes arrive (10,000 generated publishes of up to 20 messages)', () => {
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.concat([Buffer.from([0x17, 0, 0, 0, 0]), Buffer.from(b)])),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.concat([Buffer.from([0xaf, 0]), Buffer.from(b)])),
      fc.constantFrom(avcHeader(), aacHeader(), avcFrame(true), avcFrame(false, -40), aacFrame()),
    );
    const message = fc.record({ audio: fc.boolean(), ts: fc.integer({ min: 0, max: 2 ** 32 - 1 }), body });
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), (msgs) => {
        const r = new SourceRemux({
          partTargetMs: PART_TARGET_MS,
          log: createLogger({ service: 'test', level: 'silent' }),
          onItem: () => undefined,
        });
        r.start();
        for (const m of msgs) {
          try {
            r[m.audio ? 'audio' : 'video'](m.ts, m.body);
          } catch (err) {
            if (!(err instanceof RemuxError)) throw err;
          }
        }
        r.finish();
      }),
      { numRuns: 10_000 },
    );
  });
});
