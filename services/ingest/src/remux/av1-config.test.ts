import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AV1C } from '../testing/codec-records.js';
import { parseAv1Config } from './av1-config.js';
import { RemuxError } from './remux-error.js';

/** Writes fields most significant bit first, zero-padded to whole bytes. */
function bits(...fields: ReadonlyArray<readonly [value: number, count: number]>): Buffer {
  const out: number[] = [];
  for (const [value, count] of fields) for (let i = count - 1; i >= 0; i--) out.push(Math.floor(value / 2 ** i) % 2);
  while (out.length % 8) out.push(0);
  return Buffer.from(
    Array.from({ length: out.length / 8 }, (_, i) => parseInt(out.slice(i * 8, i * 8 + 8).join(''), 2)),
  );
}

/**
 * A sequence_header_obu() payload (AV1 §5.5.1) with timing_info (uvlc num_ticks_per_picture_minus_1 = 1),
 * decoder_model_info (10-bit buffer delays) and two operating points: the first at seq_level_idx 12 with a
 * seq_tier, decoder model parameters and an initial display delay, the second at level 5 with neither. 1280x720.
 */
const TWO_OPERATING_POINTS = bits(
  [0, 3], // seq_profile
  [0, 1], // still_picture
  [0, 1], // reduced_still_picture_header
  [1, 1], // timing_info_present_flag
  [1001, 32], // num_units_in_display_tick
  [60000, 32], // time_scale
  [1, 1], // equal_picture_interval
  [0b010, 3], // num_ticks_per_picture_minus_1 = 1 as uvlc
  [1, 1], // decoder_model_info_present_flag
  [9, 5], // buffer_delay_length_minus_1
  [1001, 32], // num_units_in_decoding_tick
  [31, 5], // buffer_removal_time_length_minus_1
  [31, 5], // frame_presentation_time_length_minus_1
  [1, 1], // initial_display_delay_present_flag
  [1, 5], // operating_points_cnt_minus_1
  [0x103, 12], // operating_point_idc[0]
  [12, 5], // seq_level_idx[0]
  [1, 1], // seq_tier[0]
  [1, 1], // decoder_model_present_for_this_op[0]
  [1000, 10], // decoder_buffer_delay
  [1000, 10], // encoder_buffer_delay
  [0, 1], // low_delay_mode_flag
  [1, 1], // initial_display_delay_present_for_this_op[0]
  [9, 4], // initial_display_delay_minus_1
  [0x101, 12], // operating_point_idc[1]
  [5, 5], // seq_level_idx[1]
  [0, 1], // decoder_model_present_for_this_op[1]
  [0, 1], // initial_display_delay_present_for_this_op[1]
  [11, 4], // frame_width_bits_minus_1
  [10, 4], // frame_height_bits_minus_1
  [1279, 12], // max_frame_width_minus_1
  [719, 11], // max_frame_height_minus_1
  [0, 8], // the rest of the header, unread
);
/** av1C head: Main, seq_level_idx_0 12, High tier, 8-bit 4:2:0, no initial presentation delay. */
const HEAD_12H = Buffer.from('810c8c00', 'hex');

describe('parseAv1Config', () => {
  it.each([
    { name: 'libaom 640x360', record: AV1C.AOM_360P, codec: 'av01.0.01M.08', w: 640, h: 360 },
    { name: 'libaom 10-bit 426x240', record: AV1C.AOM_10BIT_240P, codec: 'av01.0.00M.10', w: 426, h: 240 },
    { name: 'libaom High profile 4:4:4', record: AV1C.AOM_444_240P, codec: 'av01.1.00M.08', w: 426, h: 240 },
    { name: 'libaom with timing_info', record: AV1C.AOM_TIMING_INFO_360P, codec: 'av01.0.01M.08', w: 640, h: 360 },
    {
      name: 'libaom with decoder_model_info',
      record: AV1C.AOM_DECODER_MODEL_360P,
      codec: 'av01.0.01M.08',
      w: 640,
      h: 360,
    },
    {
      name: 'libaom reduced_still_picture_header',
      record: AV1C.AOM_STILL_PICTURE_360P,
      codec: 'av01.0.01M.08',
      w: 640,
      h: 360,
    },
    { name: 'rav1e seq_level_idx 31 with seq_tier', record: AV1C.RAV1E_360P, codec: 'av01.0.31M.08', w: 640, h: 360 },
    { name: 'SVT-AV1 1920x1080', record: AV1C.SVT_1080P, codec: 'av01.0.08M.08', w: 1920, h: 1080 },
    {
      name: 'two operating points, decoder model, a metadata OBU first, then an extended OBU without obu_size',
      record: Buffer.concat([
        HEAD_12H,
        Buffer.from('2a03010203', 'hex'),
        Buffer.from('0c00', 'hex'),
        TWO_OPERATING_POINTS,
      ]),
      codec: 'av01.0.12H.08',
      w: 1280,
      h: 720,
    },
    {
      name: 'a 12-bit Professional record (high_bitdepth, twelve_bit)',
      record: Buffer.concat([Buffer.from('81486000', 'hex'), AV1C.AOM_360P.subarray(4)]),
      codec: 'av01.2.08M.12',
      w: 640,
      h: 360,
    },
    { name: 'a record without configOBUs (size unknown)', record: HEAD_12H, codec: 'av01.0.12H.08', w: 0, h: 0 },
  ])('reads the codecs string and frame size of $name', ({ record, codec, w, h }) => {
    const c = parseAv1Config(record);
    expect({ codec: c.codec, width: c.width, height: c.height }).toEqual({ codec, width: w, height: h });
    expect(c.record).toBe(record);
  });

  it.each([
    { name: 'an empty record', record: Buffer.alloc(0) },
    { name: 'a record cut before configOBUs', record: AV1C.AOM_360P.subarray(0, 3) },
    { name: 'marker 0', record: Buffer.concat([Buffer.from([0x01]), AV1C.AOM_360P.subarray(1)]) },
    { name: 'version 2', record: Buffer.concat([Buffer.from([0x82]), AV1C.AOM_360P.subarray(1)]) },
    { name: 'an OBU with its forbidden bit set', record: Buffer.concat([HEAD_12H, Buffer.from('8a00', 'hex')]) },
    { name: 'an OBU running past the record', record: AV1C.AOM_360P.subarray(0, -1) },
    { name: 'an OBU size cut short', record: Buffer.concat([HEAD_12H, Buffer.from('0a80', 'hex')]) },
    {
      name: 'an OBU size over 8 bytes',
      record: Buffer.concat([HEAD_12H, Buffer.from('0a' + '80'.repeat(8) + '00', 'hex')]),
    },
    { name: 'a sequence header cut short', record: Buffer.concat([HEAD_12H, Buffer.from('0a03000000', 'hex')]) },
  ])('refuses $name with a RemuxError', ({ record }) => {
    expect(() => parseAv1Config(record)).toThrow(RemuxError);
  });

  it('throws nothing but RemuxError for random bytes and damaged records (2,000 runs each)', () => {
    const check = (record: Buffer): void => {
      try {
        parseAv1Config(record);
      } catch (err) {
        if (!(err instanceof RemuxError)) throw err;
      }
    };
    const bytes = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b));
    // Random records, and random configOBUs behind a valid head so that the OBU and header parsing is reached.
    fc.assert(
      fc.property(
        fc.oneof(
          bytes,
          bytes.map((b) => Buffer.concat([HEAD_12H, b])),
        ),
        check,
      ),
      { numRuns: 2_000 },
    );
    const damaged = fc.record({
      record: fc.constantFrom(...Object.values(AV1C)),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
      cut: fc.nat(),
    });
    fc.assert(
      fc.property(damaged, ({ record, at, value, cut }) => {
        const copy = Buffer.from(record);
        copy[at % copy.length] = value;
        check(copy.subarray(0, cut % (copy.length + 1)));
      }),
      { numRuns: 2_000 },
    );
  });
});
