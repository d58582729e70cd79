import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPUS } from '../testing/codec-records.js';
import { opusConfigFromHead } from './opus-config.js';
import { RemuxError } from './remux-error.js';

/** The stereo OpusHead with bytes from `at` on replaced by `hex`. */
function head(at: number, hex: string, base = OPUS.HEAD_STEREO): Buffer {
  const patch = Buffer.from(hex, 'hex');
  const out = Buffer.concat([base, Buffer.alloc(Math.max(0, at + patch.length - base.length))]);
  patch.copy(out, at);
  return out;
}

describe('opusConfigFromHead', () => {
  it.each([
    {
      name: 'libopus stereo',
      head: OPUS.HEAD_STEREO,
      want: { channels: 2, preSkip: 312, inputSampleRate: 48000, outputGain: 0, mappingFamily: 0 },
    },
    {
      name: 'libopus mono from 16 kHz input',
      head: OPUS.HEAD_MONO_16K,
      want: { channels: 1, preSkip: 312, inputSampleRate: 16000, outputGain: 0, mappingFamily: 0 },
    },
    {
      name: 'a negative output gain (-1 dB, Q7.8) and version 15',
      head: head(8, '0f', head(16, '00ff')),
      want: { channels: 2, preSkip: 312, inputSampleRate: 48000, outputGain: -256, mappingFamily: 0 },
    },
  ])('reads $name', ({ head: h, want }) => {
    expect(opusConfigFromHead(h)).toEqual({ ...want, head: h, codec: 'opus' });
  });

  it('reads the channel mapping table of libopus 5.1 (family 1), as dOps lays it out', () => {
    const c = opusConfigFromHead(OPUS.HEAD_5_1);
    expect({ channels: c.channels, family: c.mappingFamily, table: c.mappingTable?.toString('hex') }).toEqual({
      channels: 6,
      family: 1,
      table: '0402000401020305',
    });
  });

  it('ignores bytes after the header, and a silent channel (255) in the mapping', () => {
    expect(opusConfigFromHead(head(19, 'ffff')).mappingTable).toBeUndefined();
    expect(opusConfigFromHead(head(26, 'ff', OPUS.HEAD_5_1)).mappingTable?.toString('hex')).toBe('04020004010203ff');
  });

  it.each([
    { name: 'an empty header', h: Buffer.alloc(0) },
    { name: 'a header cut before the mapping family', h: OPUS.HEAD_STEREO.subarray(0, 18) },
    { name: 'a wrong magic signature', h: head(0, '4f70757354616773') },
    { name: 'version 0', h: head(8, '00') },
    { name: 'version 16 (major version 1)', h: head(8, '10') },
    { name: 'no channels', h: head(9, '00') },
    { name: 'family 0 with 3 channels', h: head(9, '03') },
    { name: 'family 1 with 9 channels', h: head(9, '09', head(18, '01090200000000000000000000')) },
    { name: 'a truncated mapping table', h: OPUS.HEAD_5_1.subarray(0, -1) },
    { name: 'no streams', h: head(19, '00', OPUS.HEAD_5_1) },
    { name: 'more coupled streams than streams', h: head(19, '0405', OPUS.HEAD_5_1) },
    { name: 'a channel mapped past the decoded channels', h: head(21, '06', OPUS.HEAD_5_1) },
  ])('refuses $name with a RemuxError', ({ h }) => {
    expect(() => opusConfigFromHead(h)).toThrow(RemuxError);
  });

  it('throws nothing but RemuxError for random bytes (2,000 runs)', () => {
    const bytes = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b));
    // Random headers, and random fields behind the magic signature so that the checks after it are reached.
    const afterMagic = bytes.map((b) => Buffer.concat([OPUS.HEAD_STEREO.subarray(0, 8), b]));
    fc.assert(
      fc.property(fc.oneof(bytes, afterMagic), (h) => {
        try {
          opusConfigFromHead(h);
        } catch (err) {
          if (!(err instanceof RemuxError)) throw err;
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
