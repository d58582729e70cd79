import { describe, expect, it } from 'vitest';
import { parseAvcConfig } from './avc-config.js';
import { AVCC_1080P, AVCC_360P } from '../testing/flv-bodies.js';
import { RemuxError } from './remux-error.js';

describe('parseAvcConfig', () => {
  it.each([
    {
      name: 'High profile with frame cropping (368 → 360 rows)',
      record: AVCC_360P,
      codec: 'avc1.64001e',
      w: 640,
      h: 360,
    },
    {
      name: 'Baseline with frame cropping (1088 → 1080 rows)',
      record: AVCC_1080P,
      codec: 'avc1.42c028',
      w: 1920,
      h: 1080,
    },
  ])('reads the codecs string and picture size of $name', ({ record, codec, w, h }) => {
    const c = parseAvcConfig(record);
    expect({ codec: c.codec, width: c.width, height: c.height }).toEqual({ codec, width: w, height: h });
  });

  it.each([
    { name: 'an empty record', record: Buffer.alloc(0) },
    { name: 'configurationVersion 0', record: Buffer.concat([Buffer.from([0]), AVCC_360P.subarray(1)]) },
    { name: 'no SPS', record: Buffer.from('0164001effe0', 'hex') },
    { name: 'an SPS running past the record', record: AVCC_360P.subarray(0, 20) },
    { name: 'an SPS cut inside its Exp-Golomb codes', record: Buffer.from('0164001effe100056764001eac', 'hex') },
  ])('refuses $name with a RemuxError', ({ record }) => {
    expect(() => parseAvcConfig(record)).toThrow(RemuxError);
  });
});
