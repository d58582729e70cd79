import { describe, expect, it } from 'vitest';
import { Fmp4Error } from './box.js';
import { parseMoof } from './fragment.js';
import type { InitInfo } from './init-segment.js';

const NON_SYNC = 0x0001_0000;
const SYNC = 0x0200_0000;

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}
function fullBox(type: string, version: number, flags: number, ...fields: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version << 24) | flags) >>> 0);
  return box(type, vf, ...fields);
}
const u32 = (...values: number[]): Buffer => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
};
const u64 = (v: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(v);
  return b;
};

const init = (trexDuration: number, trexFlags: number): InitInfo => ({
  tracks: [
    {
      trackId: 1,
      handler: 'vide',
      timescale: 90_000,
      width: 0,
      height: 0,
      codec: 'avc1',
      defaults: { duration: trexDuration, size: 0, flags: trexFlags },
    },
  ],
});

/** ISO/IEC 14496-12 §8.8.7 tfhd, §8.8.12 tfdt, §8.8.8 trun: the places durations and sync flags come from. */
const cases = [
  {
    name: 'per-sample durations and first_sample_flags (ffmpeg layout)',
    tfhd: fullBox('tfhd', 0, 0x020000 | 0x20, u32(1, NON_SYNC)),
    trun: fullBox(
      'trun',
      0,
      0x01 | 0x04 | 0x100 | 0x200,
      u32(3, 0, SYNC),
      u32(3000, 100),
      u32(3000, 100),
      u32(3600, 100),
    ),
    trex: [0, NON_SYNC],
    want: { sampleCount: 3, duration: 9600, firstSampleSync: true },
  },
  {
    name: 'tfhd default duration and per-sample flags',
    tfhd: fullBox('tfhd', 0, 0x08, u32(1, 3000)),
    trun: fullBox('trun', 0, 0x400, u32(2), u32(NON_SYNC), u32(SYNC)),
    trex: [0, 0],
    want: { sampleCount: 2, duration: 6000, firstSampleSync: false },
  },
  {
    name: 'trex defaults when tfhd and trun carry none',
    tfhd: fullBox('tfhd', 0, 0, u32(1)),
    trun: fullBox('trun', 0, 0, u32(4)),
    trex: [1500, NON_SYNC],
    want: { sampleCount: 4, duration: 6000, firstSampleSync: false },
  },
  {
    name: 'tfhd default flags over trex, with base data offset and description index present',
    tfhd: fullBox('tfhd', 0, 0x01 | 0x02 | 0x20, u32(1), u64(123n), u32(1), u32(SYNC)),
    trun: fullBox('trun', 0, 0x100 | 0x800, u32(2), u32(10, 0, 20, 0)),
    trex: [0, NON_SYNC],
    want: { sampleCount: 2, duration: 30, firstSampleSync: true },
  },
];

describe('parseMoof', () => {
  it.each(cases)('reads $name', ({ tfhd, trun, trex, want }) => {
    const moof = box(
      'moof',
      fullBox('mfhd', 0, 0, u32(1)),
      box('traf', tfhd, fullBox('tfdt', 1, 0, u64(2n ** 40n)), trun),
    );
    expect(parseMoof(moof, init(trex[0] ?? 0, trex[1] ?? 0))).toEqual([
      { trackId: 1, baseMediaDecodeTime: 2 ** 40, ...want },
    ]);
  });

  it.each([
    { name: 'a traf without tfdt', traf: box('traf', fullBox('tfhd', 0, 0, u32(1))), error: /without tfdt/ },
    { name: 'a track the init does not declare', traf: box('traf', fullBox('tfhd', 0, 0, u32(7))), error: /track 7/ },
    {
      name: 'a trun shorter than its sample count',
      traf: box(
        'traf',
        fullBox('tfhd', 0, 0, u32(1)),
        fullBox('tfdt', 0, 0, u32(0)),
        fullBox('trun', 0, 0x100, u32(5), u32(1)),
      ),
      error: /too short/,
    },
  ])('rejects $name', ({ traf, error }) => {
    expect(() => parseMoof(box('moof', traf), init(0, 0))).toThrow(Fmp4Error);
    expect(() => parseMoof(box('moof', traf), init(0, 0))).toThrow(error);
  });
});
