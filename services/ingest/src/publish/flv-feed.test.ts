import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlvFeed, MAX_METADATA_BYTES, type FlvTracks } from './flv-feed.js';
import { readFlv } from './flv-reader.js';
import { onMetaDataBody } from './flv-tag.js';

// FLV spec v10.1 §E.4.2.1 / §E.4.3.1 first bytes: 0x17 AVC key frame, 0x27 AVC inter frame, 0xaf AAC.
const AVC_HEADER = Buffer.from([0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1f]);
const AVC_KEY = Buffer.from([0x17, 0x01, 0, 0, 0, 0xaa]);
const AVC_INTER = Buffer.from([0x27, 0x01, 0, 0, 0, 0xbb]);
const AAC_HEADER = Buffer.from([0xaf, 0x00, 0x11, 0x90]);
const AAC_RAW = Buffer.from([0xaf, 0x01, 0xcc]);
const MP3 = Buffer.from([0x2f, 0xff, 0xfb]);
const SORENSON_KEY = Buffer.from([0x12, 0x00]);

type Step = ['v' | 'a', number, Buffer] | ['meta', Record<string, unknown>] | ['wait', number];

/** Feeds steps; returns the tracks decided (undefined if none) and the FLV the first run got. */
function feed(
  steps: Step[],
  options: { startTimeoutMs?: number; maxStartBufferBytes?: number } = {},
): { tracks: FlvTracks | undefined; flv: ReturnType<typeof readFlv> | undefined } {
  let tracks: FlvTracks | undefined;
  const out: Buffer[] = [];
  const f: FlvFeed = new FlvFeed({
    startTimeoutMs: options.startTimeoutMs ?? 1000,
    maxStartBufferBytes: options.maxStartBufferBytes ?? 1 << 20,
    onReady: (t) => {
      tracks = t;
      f.attach((c) => out.push(c));
    },
  });
  for (const step of steps) {
    if (step[0] === 'meta') f.metadata(step[1]);
    else if (step[0] === 'wait') vi.advanceTimersByTime(step[1]);
    else if (step[0] === 'v') f.video(step[1], step[2]);
    else f.audio(step[1], step[2]);
  }
  f.dispose();
  return { tracks, flv: out.length > 0 ? readFlv(Buffer.concat(out)) : undefined };
}

const summary = (flv: ReturnType<typeof readFlv> | undefined): string[] =>
  flv?.tags.map((t) => `${t.type}@${t.timestampMs}:${t.body.toString('hex').slice(0, 4)}`) ?? [];

describe('FlvFeed before the first run', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it.each<{
    name: string;
    steps: Step[];
    options?: { maxStartBufferBytes: number };
    tracks: FlvTracks | undefined;
    tags: string[];
  }>([
    {
      name: 'waits for the AVC and AAC sequence headers, then sends everything held',
      steps: [
        ['v', 0, AVC_HEADER],
        ['v', 0, AVC_KEY],
        ['a', 0, AAC_HEADER],
        ['a', 21, AAC_RAW],
      ],
      tracks: { audio: true, video: true },
      tags: ['9@0:1700', '9@0:1701', '8@0:af00', '8@21:af01'],
    },
    {
      name: 'does not start on the video sequence header alone',
      steps: [
        ['v', 0, AVC_HEADER],
        ['v', 40, AVC_INTER],
      ],
      tracks: undefined,
      tags: [],
    },
    {
      name: 'starts video-only when onMetaData announces no audio',
      steps: [
        ['meta', { videocodecid: 7, width: 640 }],
        ['v', 0, AVC_HEADER],
      ],
      tracks: { audio: false, video: true },
      tags: ['18@0:0200', '9@0:1700'],
    },
    {
      // Metadata whose AMF0 references expand to 20 MiB once re-encoded: the tag would not fit (§E.4.1).
      name: 'drops onMetaData past the size limit and keeps the one before',
      steps: [
        ['meta', { videocodecid: 7, width: 640 }],
        ['meta', { videocodecid: 7, audiocodecid: 10, x: Array<string>(20).fill('A'.repeat(1 << 20)) }],
        ['v', 0, AVC_HEADER],
      ],
      tracks: { audio: false, video: true },
      tags: ['18@0:0200', '9@0:1700'],
    },
    {
      name: 'starts audio-only when onMetaData announces no video',
      steps: [
        ['meta', { audiocodecid: 10 }],
        ['a', 5, AAC_HEADER],
      ],
      tracks: { audio: true, video: false },
      tags: ['18@0:0200', '8@5:af00'],
    },
    {
      name: 'starts audio-only after the timeout when no video came',
      steps: [
        ['a', 0, AAC_HEADER],
        ['a', 21, AAC_RAW],
        ['wait', 999],
        ['a', 42, AAC_RAW],
        ['wait', 1],
      ],
      tracks: { audio: true, video: false },
      tags: ['8@0:af00', '8@21:af01', '8@42:af01'],
    },
    {
      name: 'counts codecs without sequence headers (MP3, Sorenson H.263) as ready',
      steps: [
        ['v', 0, SORENSON_KEY],
        ['a', 0, MP3],
      ],
      tracks: { audio: true, video: true },
      tags: ['9@0:1200', '8@0:2fff'],
    },
    {
      name: 'starts once the held bytes reach the bound',
      steps: [
        ['v', 0, AVC_INTER],
        ['v', 40, AVC_INTER],
      ],
      options: { maxStartBufferBytes: 12 },
      tracks: { audio: false, video: true },
      tags: ['9@0:2701', '9@40:2701'],
    },
  ])('$name', ({ steps, options, tracks, tags }) => {
    const result = feed(steps, options);
    expect(result.tracks).toEqual(tracks);
    if (tracks) expect({ audio: result.flv?.audio, video: result.flv?.video }).toEqual(tracks);
    expect(summary(result.flv)).toEqual(tags);
  });
});

describe('FlvFeed.metadata', () => {
  it('keeps a tag body of up to MAX_METADATA_BYTES and refuses a larger one', () => {
    const f = new FlvFeed({ startTimeoutMs: 1000, maxStartBufferBytes: 1 << 20, onReady: () => undefined });
    const overhead = onMetaDataBody({ x: '' }).length;
    const text = (bytes: number): Record<string, unknown> => ({ x: 'a'.repeat(bytes - overhead) });
    expect(f.metadata(text(MAX_METADATA_BYTES))).toBe(true);
    expect(f.metadata(text(MAX_METADATA_BYTES + 1))).toBe(false);
    f.dispose();
  });
});

describe('FlvFeed on a later run', () => {
  it('starts at the next keyframe with the kept metadata and sequence headers stamped with its time', () => {
    const runs: Buffer[][] = [];
    const attach = (): ReturnType<FlvFeed['attach']> => {
      const out: Buffer[] = [];
      runs.push(out);
      return f.attach((c) => out.push(c));
    };
    const f: FlvFeed = new FlvFeed({ startTimeoutMs: 1000, maxStartBufferBytes: 1 << 20, onReady: () => attach() });
    f.metadata({ width: 640, audiocodecid: 10 });
    f.video(1000, AVC_HEADER);
    f.audio(1000, AAC_HEADER);
    f.video(1000, AVC_KEY);
    f.detach();
    const second = attach();
    f.video(1040, AVC_INTER);
    f.audio(1050, AAC_RAW);
    expect(second.offsetMs()).toBeUndefined();
    f.video(3000, AVC_KEY);
    f.audio(3010, AAC_RAW);
    f.dispose();
    const flv = readFlv(Buffer.concat(runs[1] ?? []));
    expect(summary(flv)).toEqual(['18@0:0200', '9@3000:1700', '8@3000:af00', '9@3000:1701', '8@3010:af01']);
    expect(second.offsetMs()).toBe(2000);
  });

  it('starts an audio-only run at the next audio frame', () => {
    const runs: Buffer[][] = [];
    const attach = (): void => {
      const out: Buffer[] = [];
      runs.push(out);
      f.attach((c) => out.push(c));
    };
    const f: FlvFeed = new FlvFeed({ startTimeoutMs: 1000, maxStartBufferBytes: 1 << 20, onReady: () => attach() });
    f.metadata({ audiocodecid: 10 });
    f.audio(0, AAC_HEADER);
    f.detach();
    attach();
    f.audio(500, AAC_RAW);
    f.dispose();
    expect(summary(readFlv(Buffer.concat(runs[1] ?? [])))).toEqual(['18@0:0200', '8@500:af00', '8@500:af01']);
  });
});
