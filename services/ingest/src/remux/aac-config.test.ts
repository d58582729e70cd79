import { describe, expect, it } from 'vitest';
import { parseAacConfig } from './aac-config.js';
import { RemuxError } from './remux-error.js';

describe('parseAacConfig', () => {
  it.each([
    { name: 'AAC-LC 48 kHz stereo (OBS, ffmpeg)', hex: '1190', codec: 'mp4a.40.2', rate: 48000, ch: 2, frame: 1024 },
    { name: 'AAC-LC 44.1 kHz stereo', hex: '1210', codec: 'mp4a.40.2', rate: 44100, ch: 2, frame: 1024 },
    {
      name: 'AAC-LC 44.1 kHz mono, 960-sample frames',
      hex: '120c',
      codec: 'mp4a.40.2',
      rate: 44100,
      ch: 1,
      frame: 960,
    },
    { name: 'HE-AAC (SBR) 24 kHz core', hex: '2b10', codec: 'mp4a.40.5', rate: 24000, ch: 2, frame: 1024 },
    {
      name: 'an explicit 24-bit frequency, channels in a PCE',
      hex: '17800bb80100',
      codec: 'mp4a.40.2',
      rate: 6000,
      ch: 2,
      frame: 1024,
    },
    { name: 'object type escape 31 → 42 (USAC)', hex: 'f94600', codec: 'mp4a.40.42', rate: 48000, ch: 2, frame: 1024 },
    { name: '7.1 (channel configuration 7)', hex: '11b8', codec: 'mp4a.40.2', rate: 48000, ch: 8, frame: 1024 },
  ])('reads $name', ({ hex, codec, rate, ch, frame }) => {
    const c = parseAacConfig(Buffer.from(hex, 'hex'));
    expect({ codec: c.codec, rate: c.sampleRate, ch: c.channels, frame: c.frameSamples }).toEqual({
      codec,
      rate,
      ch,
      frame,
    });
  });

  it.each([
    { name: 'an empty config', hex: '' },
    { name: 'a reserved frequency index 13', hex: '1690' },
    { name: 'a truncated explicit frequency', hex: '1780' },
  ])('refuses $name with a RemuxError', ({ hex }) => {
    expect(() => parseAacConfig(Buffer.from(hex, 'hex'))).toThrow(RemuxError);
  });
});
