import { describe, expect, it } from 'vitest';
import { parseMoof } from '../fmp4/fragment.js';
import { parseInit } from '../fmp4/init-segment.js';
import { SAMPLE_FLAGS, writeFragment } from './fragment-writer.js';
import { writeInitSegment } from './init-writer.js';
import { box } from './mp4-box.js';

const init = parseInit(
  writeInitSegment([
    { trackId: 1, handler: 'vide', timescale: 90_000, width: 640, height: 360, sampleEntry: box('vp08') },
    { trackId: 2, handler: 'soun', timescale: 48_000, width: 0, height: 0, sampleEntry: box('Opus') },
  ]),
);

describe('writeInitSegment', () => {
  it('declares each track with its handler, timescale, size and sample entry, read back by parseInit', () => {
    expect(init.tracks).toEqual([
      {
        trackId: 1,
        handler: 'vide',
        timescale: 90_000,
        width: 640,
        height: 360,
        codec: 'vp08',
        defaults: { duration: 0, size: 0, flags: 0 },
      },
      {
        trackId: 2,
        handler: 'soun',
        timescale: 48_000,
        width: 0,
        height: 0,
        codec: 'Opus',
        defaults: { duration: 0, size: 0, flags: 0 },
      },
    ]);
  });
});

describe('writeFragment', () => {
  const video = {
    trackId: 1,
    baseMediaDecodeTime: 2 ** 33 + 90,
    samples: [
      { duration: 3000, size: 3, flags: SAMPLE_FLAGS.SYNC, compositionOffset: 6000 },
      { duration: 3000, size: 2, flags: SAMPLE_FLAGS.NON_SYNC, compositionOffset: -3000 },
    ],
    data: [Buffer.from('abc'), Buffer.from('de')],
    compositionOffsets: true,
  };
  const audio = {
    trackId: 2,
    baseMediaDecodeTime: 1024,
    samples: [{ duration: 1024, size: 4, flags: SAMPLE_FLAGS.SYNC, compositionOffset: 0 }],
    data: [Buffer.from('fghi')],
    compositionOffsets: false,
  };

  it('writes moof+mdat that parseMoof reads back: decode times past 2^32, durations, sync flags', () => {
    const fragment = writeFragment(7, [video, audio]);
    const moofSize = fragment.readUInt32BE(0);
    expect(parseMoof(fragment.subarray(0, moofSize), init)).toEqual([
      { trackId: 1, baseMediaDecodeTime: 2 ** 33 + 90, sampleCount: 2, duration: 6000, firstSampleSync: true },
      { trackId: 2, baseMediaDecodeTime: 1024, sampleCount: 1, duration: 1024, firstSampleSync: true },
    ]);
    expect(fragment.toString('latin1', moofSize + 4, moofSize + 8)).toBe('mdat');
    expect(fragment.subarray(moofSize + 8).toString()).toBe('abcdefghi');
  });

  it('points each trun data_offset at its track samples in the mdat, counted from the moof', () => {
    const fragment = writeFragment(1, [video, audio]);
    const offsets: number[] = [];
    for (let p = fragment.indexOf('trun'); p >= 0; p = fragment.indexOf('trun', p + 4))
      offsets.push(fragment.readUInt32BE(p + 12));
    expect(offsets.map((o) => fragment.toString('latin1', o, o + 3))).toEqual(['abc', 'fgh']);
  });

  it('keeps negative composition offsets signed (trun version 1)', () => {
    const fragment = writeFragment(1, [video]);
    const trun = fragment.indexOf('trun');
    expect(fragment.readUInt8(trun + 4)).toBe(1);
    expect(fragment.readInt32BE(trun + 16 + 16 + 12)).toBe(-3000);
  });

  it('leaves out tracks without samples', () => {
    const fragment = writeFragment(1, [video, { ...audio, samples: [], data: [] }]);
    const moofSize = fragment.readUInt32BE(0);
    expect(parseMoof(fragment.subarray(0, moofSize), init).map((r) => r.trackId)).toEqual([1]);
  });
});
