import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VP9_FRAME_HEADS, VPCC } from '../testing/codec-records.js';
import { RemuxError } from './remux-error.js';
import { parseVp9Config, vp9FrameSize } from './vp9-config.js';

/** Calls `parse` and lets only RemuxError through. */
function onlyRemuxErrors(parse: (b: Buffer) => unknown): (b: Buffer) => void {
  return (b) => {
    try {
      parse(b);
    } catch (err) {
      if (!(err instanceof RemuxError)) throw err;
    }
  };
}

describe('parseVp9Config', () => {
  it.each([
    { name: 'profile 0, level 2.1', record: VPCC.PROFILE0_360P, codec: 'vp09.00.21.08' },
    { name: 'profile 0, level 4', record: VPCC.PROFILE0_1080P, codec: 'vp09.00.40.08' },
    { name: 'profile 2, 10-bit', record: VPCC.PROFILE2_10BIT_240P, codec: 'vp09.02.20.10' },
    { name: 'profile 1, 4:4:4', record: VPCC.PROFILE1_444_240P, codec: 'vp09.01.20.08' },
    { name: 'profile 3, 12-bit 4:4:4', record: VPCC.PROFILE3_12BIT_240P, codec: 'vp09.03.20.12' },
  ])('reads $name from the vpcC body with version and flags (as FFmpeg sends it)', ({ record, codec }) => {
    expect(parseVp9Config(record)).toEqual({ record, configuration: record.subarray(4), codec, width: 0, height: 0 });
  });

  it.each(Object.entries(VPCC))('reads the bare record of %s the same way', (_, record) => {
    const bare = record.subarray(4);
    const c = parseVp9Config(bare);
    expect({ codec: c.codec, configuration: c.configuration }).toEqual({
      codec: parseVp9Config(record).codec,
      configuration: bare,
    });
  });

  it('keeps codecIntializationData and drops bytes after it', () => {
    const c = parseVp9Config(Buffer.from('0015820202020002abcdeeee', 'hex'));
    expect(c.configuration.toString('hex')).toBe('0015820202020002abcd');
  });

  it.each([
    { name: 'an empty record', hex: '' },
    { name: 'vpcC version 0', hex: '000000000015820202020000' },
    { name: 'a FullBox form cut inside the record', hex: '0100000000158202' },
    { name: 'a bare record without codecIntializationDataSize', hex: '001582020202' },
    { name: 'profile 4', hex: '010000000415820202020000' },
    { name: 'bit depth 9', hex: '010000000015920202020000' },
    { name: 'codecIntializationData running past the record', hex: '010000000015820202020003abcd' },
  ])('refuses $name with a RemuxError', ({ hex }) => {
    expect(() => parseVp9Config(Buffer.from(hex, 'hex'))).toThrow(RemuxError);
  });

  it('throws nothing but RemuxError for random bytes (2,000 runs)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b)),
        onlyRemuxErrors(parseVp9Config),
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('vp9FrameSize', () => {
  it.each([
    { name: 'a profile 0 key frame', frame: VP9_FRAME_HEADS.KEY_PROFILE0_360P, size: { width: 640, height: 360 } },
    {
      name: 'a profile 0 1080p key frame',
      frame: VP9_FRAME_HEADS.KEY_PROFILE0_1080P,
      size: { width: 1920, height: 1080 },
    },
    {
      name: 'a profile 2 key frame (bit depth flag)',
      frame: VP9_FRAME_HEADS.KEY_PROFILE2_240P,
      size: { width: 426, height: 240 },
    },
    {
      name: 'a profile 1 key frame (subsampling flags)',
      frame: VP9_FRAME_HEADS.KEY_PROFILE1_240P,
      size: { width: 426, height: 240 },
    },
    {
      name: 'a profile 3 key frame (reserved bit, bit depth and subsampling flags)',
      frame: VP9_FRAME_HEADS.KEY_PROFILE3_240P,
      size: { width: 426, height: 240 },
    },
    {
      name: 'a profile 1 RGB key frame',
      frame: VP9_FRAME_HEADS.KEY_PROFILE1_RGB_240P,
      size: { width: 426, height: 240 },
    },
    { name: 'an inter frame', frame: VP9_FRAME_HEADS.INTER_PROFILE0_360P, size: undefined },
    { name: 'a show_existing_frame header', frame: Buffer.from([0x88]), size: undefined },
  ])('reads $name', ({ frame, size }) => {
    expect(vp9FrameSize(frame)).toEqual(size);
  });

  it.each([
    { name: 'an empty frame', frame: Buffer.alloc(0) },
    { name: 'frame_marker 0', frame: Buffer.from('024983420027f016', 'hex') },
    { name: 'a wrong frame_sync_code', frame: Buffer.from('824983430027f016', 'hex') },
    { name: 'a key frame cut inside frame_size', frame: VP9_FRAME_HEADS.KEY_PROFILE0_360P.subarray(0, 6) },
  ])('refuses $name with a RemuxError', ({ frame }) => {
    expect(() => vp9FrameSize(frame)).toThrow(RemuxError);
  });

  it('throws nothing but RemuxError for random bytes (2,000 runs)', () => {
    const bytes = fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b));
    // Random frames, and random bytes behind a key frame's first bytes so that color_config is reached.
    const keyStart = bytes.map((b) => Buffer.concat([Buffer.from('82498342', 'hex'), b]));
    fc.assert(fc.property(fc.oneof(bytes, keyStart), onlyRemuxErrors(vp9FrameSize)), { numRuns: 2_000 });
  });
});
