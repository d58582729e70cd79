import { describe, expect, it } from 'vitest';
import { renderMasterPlaylist, type MasterVariant } from './master-playlist.js';

const base: MasterVariant = {
  name: 'source',
  nominalBandwidth: 0,
  peakBitrate: 0,
  averageBitrate: 0,
  width: 0,
  height: 0,
  codecs: '',
  frameRate: 0,
};
const v = (over: Partial<MasterVariant>): MasterVariant => ({ ...base, ...over });
const HEAD = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n';

describe('renderMasterPlaylist', () => {
  const cases: Array<{ name: string; variants: MasterVariant[]; want: string }> = [
    { name: 'no renditions', variants: [], want: HEAD },
    {
      name: 'every attribute known',
      variants: [
        v({
          nominalBandwidth: 2_500_000,
          peakBitrate: 2_000_000.4,
          averageBitrate: 1_800_000.2,
          width: 1280,
          height: 720,
          codecs: 'avc1.64001f,mp4a.40.2',
          frameRate: 30,
        }),
      ],
      want:
        HEAD +
        '#EXT-X-STREAM-INF:BANDWIDTH=2500000,AVERAGE-BANDWIDTH=1800001,RESOLUTION=1280x720,' +
        'CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=30.000\nsource/index.m3u8\n',
    },
    {
      name: 'measured peak above the nominal bandwidth wins',
      variants: [v({ nominalBandwidth: 800_000, peakBitrate: 1_200_000.5, codecs: 'mp4a.40.2' })],
      want: HEAD + '#EXT-X-STREAM-INF:BANDWIDTH=1200001,CODECS="mp4a.40.2"\nsource/index.m3u8\n',
    },
    {
      name: 'highest bandwidth first, fractional frame rate rounded to 3 decimals',
      variants: [
        v({ name: '480p', nominalBandwidth: 1_000_000, width: 854, height: 480, frameRate: 30000 / 1001 }),
        v({ name: 'source', nominalBandwidth: 500_000, peakBitrate: 3_000_000, width: 1920, height: 1080 }),
        v({ name: '240p', nominalBandwidth: 300_000, width: 426, height: 240 }),
      ],
      want:
        HEAD +
        '#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1920x1080\nsource/index.m3u8\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=1000000,RESOLUTION=854x480,FRAME-RATE=29.970\n480p/index.m3u8\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=426x240\n240p/index.m3u8\n',
    },
  ];
  it.each(cases)('$name', ({ variants, want }) => {
    expect(renderMasterPlaylist(variants)).toBe(want);
  });
});
