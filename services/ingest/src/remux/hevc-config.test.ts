import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HVCC } from '../testing/codec-records.js';
import { parseHevcConfig } from './hevc-config.js';
import { RemuxError } from './remux-error.js';

/** `record` with byte `at` replaced by `value`. */
function patched(record: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(record);
  copy[at] = value;
  return copy;
}

describe('parseHevcConfig', () => {
  it.each([
    { name: 'Main 640x360 (no conformance window)', record: HVCC.MAIN_360P, codec: 'hvc1.1.6.L63.90', w: 640, h: 360 },
    {
      name: 'Main 1920x1080 (1088 rows coded, 8 cropped)',
      record: HVCC.MAIN_1080P,
      codec: 'hvc1.1.6.L120.90',
      w: 1920,
      h: 1080,
    },
    {
      name: 'Main 10 426x240 (432 columns coded, SubWidthC 2)',
      record: HVCC.MAIN10_240P,
      codec: 'hvc1.2.4.L60.90',
      w: 426,
      h: 240,
    },
    { name: 'RExt 4:2:2 426x240', record: HVCC.REXT_422_240P, codec: 'hvc1.4.10.L60.9D.08', w: 426, h: 240 },
    {
      name: 'RExt 4:4:4 426x240 (SubWidthC 1)',
      record: HVCC.REXT_444_240P,
      codec: 'hvc1.4.10.L60.9E.08',
      w: 426,
      h: 240,
    },
    { name: 'RExt 4:0:0 426x240', record: HVCC.REXT_GRAY_240P, codec: 'hvc1.4.10.L60.9F.C8', w: 426, h: 240 },
    {
      name: 'two temporal sub-layers (profile_tier_level sub-layer flags)',
      record: HVCC.SUB_LAYERS_360P,
      codec: 'hvc1.1.6.L63.90',
      w: 640,
      h: 360,
    },
    {
      name: 'High tier, profile space 1 and every constraint byte set (record header patched)',
      record: Buffer.concat([Buffer.from('0161400000009000000000b3', 'hex'), HVCC.MAIN_360P.subarray(12)]),
      codec: 'hvc1.A1.2.H63.90.00.00.00.00.B3',
      w: 640,
      h: 360,
    },
    {
      name: 'no constraint flags (record header patched)',
      record: Buffer.concat([HVCC.MAIN_360P.subarray(0, 6), Buffer.alloc(6), HVCC.MAIN_360P.subarray(12)]),
      codec: 'hvc1.1.6.L63',
      w: 640,
      h: 360,
    },
  ])('reads the codecs string and picture size of $name', ({ record, codec, w, h }) => {
    const c = parseHevcConfig(record);
    expect({ codec: c.codec, width: c.width, height: c.height }).toEqual({ codec, width: w, height: h });
    expect(c.record).toBe(record);
  });

  it("writes the compatibility flags in reverse bit order: flag 31, the record's lowest bit, comes out highest", () => {
    expect(parseHevcConfig(patched(HVCC.MAIN_360P, 5, 0x01)).codec).toBe('hvc1.1.80000006.L63.90');
  });

  const spsAt = HVCC.MAIN_360P.indexOf(Buffer.from('4201', 'hex'), 23);
  it.each([
    { name: 'an empty record', record: Buffer.alloc(0) },
    { name: 'a record cut before numOfArrays', record: HVCC.MAIN_360P.subarray(0, 22) },
    { name: 'configurationVersion 0', record: patched(HVCC.MAIN_360P, 0, 0) },
    { name: 'no arrays', record: Buffer.concat([HVCC.MAIN_360P.subarray(0, 22), Buffer.from([0])]) },
    { name: 'arrays announced but cut', record: HVCC.MAIN_360P.subarray(0, 24) },
    { name: 'a NAL unit running past the record', record: HVCC.MAIN_360P.subarray(0, spsAt + 10) },
    { name: 'an SPS cut inside profile_tier_level', record: cutSps(HVCC.MAIN_360P, 8) },
    { name: 'an SPS cut inside its Exp-Golomb codes', record: cutSps(HVCC.MAIN_360P, 16) },
    { name: 'an SPS only in an enhancement layer', record: patched(HVCC.MAIN_360P, spsAt + 1, 0x09) },
    { name: 'an SPS with 8 sub-layers', record: patched(HVCC.MAIN_360P, spsAt + 2, 0x0f) },
  ])('refuses $name with a RemuxError', ({ record }) => {
    expect(() => parseHevcConfig(record)).toThrow(RemuxError);
  });

  it('throws nothing but RemuxError for random bytes and damaged records (2,000 runs each)', () => {
    const check = (record: Buffer): void => {
      try {
        parseHevcConfig(record);
      } catch (err) {
        if (!(err instanceof RemuxError)) throw err;
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => check(Buffer.from(bytes))),
      { numRuns: 2_000 },
    );
    const damaged = fc.record({
      record: fc.constantFrom(...Object.values(HVCC)),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
      cut: fc.nat(),
    });
    fc.assert(
      fc.property(damaged, ({ record, at, value, cut }) =>
        check(patched(record, at % record.length, value).subarray(0, cut % (record.length + 1))),
      ),
      { numRuns: 2_000 },
    );
  });
});

/** The record with its SPS NAL unit shortened to `length` bytes (and its length field to match). */
function cutSps(record: Buffer, length: number): Buffer {
  const at = record.indexOf(Buffer.from('4201', 'hex'), 23);
  const out = Buffer.concat([record.subarray(0, at), record.subarray(at, at + length)]);
  out.writeUInt16BE(length, at - 2);
  const ppsArray = record.subarray(at + record.readUInt16BE(at - 2));
  return Buffer.concat([out, ppsArray]);
}
