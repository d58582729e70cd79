import { describe, expect, it } from 'vitest';
import { renderMediaPlaylist, type MediaPlaylistInput, type PlaylistSegment } from './media-playlist.js';

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const INIT_A = '0123456789abcdef';
const INIT_B = 'fedcba9876543210';
const seg = (sequence: number, durationMs: number, over: Partial<PlaylistSegment> = {}): PlaylistSegment => ({
  sequence,
  durationMs,
  discontinuity: false,
  programDateTimeMs: T0 + (sequence - 10) * 2000,
  init: { id: INIT_A },
  ...over,
});
const input = (over: Partial<MediaPlaylistInput>): MediaPlaylistInput => ({
  segments: [],
  mediaSequence: 0,
  discontinuitySequence: 0,
  targetDurationS: 2,
  ended: false,
  ...over,
});
const head = (target: number, mseq: number, dseq: number): string =>
  `#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:${target}\n#EXT-X-MEDIA-SEQUENCE:${mseq}\n` +
  `#EXT-X-DISCONTINUITY-SEQUENCE:${dseq}\n#EXT-X-INDEPENDENT-SEGMENTS\n`;

describe('renderMediaPlaylist', () => {
  const cases: Array<{ name: string; input: MediaPlaylistInput; want: string }> = [
    { name: 'live, no complete segment yet', input: input({ mediaSequence: 4 }), want: head(2, 4, 0) },
    {
      name: 'live window with program date time and 3-decimal EXTINF',
      input: input({ segments: [seg(10, 2000), seg(11, 1999.6)] }),
      want:
        head(2, 10, 0) +
        '#EXT-X-MAP:URI="init-0123456789abcdef.mp4"\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-02T03:04:05.678Z\n#EXTINF:2.000,\nseg-10.m4s\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-02T03:04:07.678Z\n#EXTINF:2.000,\nseg-11.m4s\n',
    },
    {
      name: 'media sequence and discontinuity sequence after sliding',
      input: input({ segments: [seg(57, 2000)], mediaSequence: 3, discontinuitySequence: 2 }),
      want:
        head(2, 57, 2) +
        '#EXT-X-MAP:URI="init-0123456789abcdef.mp4"\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-02T03:05:39.678Z\n#EXTINF:2.000,\nseg-57.m4s\n',
    },
    {
      name: 'discontinuity with a new init segment re-states EXT-X-MAP',
      input: input({
        segments: [
          seg(10, 2000),
          seg(11, 1200),
          seg(12, 2000, { discontinuity: true, init: { id: INIT_B }, programDateTimeMs: T0 + 9000 }),
        ],
      }),
      want:
        head(2, 10, 0) +
        '#EXT-X-MAP:URI="init-0123456789abcdef.mp4"\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-02T03:04:05.678Z\n#EXTINF:2.000,\nseg-10.m4s\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-02T03:04:07.678Z\n#EXTINF:1.200,\nseg-11.m4s\n' +
        '#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-fedcba9876543210.mp4"\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-02T03:04:14.678Z\n#EXTINF:2.000,\nseg-12.m4s\n',
    },
    {
      name: 'discontinuity with the same init segment keeps EXT-X-MAP',
      input: input({ segments: [seg(10, 2000), seg(11, 2000, { discontinuity: true })] }),
      want:
        head(2, 10, 0) +
        '#EXT-X-MAP:URI="init-0123456789abcdef.mp4"\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-02T03:04:05.678Z\n#EXTINF:2.000,\nseg-10.m4s\n' +
        '#EXT-X-DISCONTINUITY\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-02T03:04:07.678Z\n#EXTINF:2.000,\nseg-11.m4s\n',
    },
    {
      name: 'ended stream closes with ENDLIST',
      input: input({ segments: [seg(10, 2500)], targetDurationS: 3, ended: true }),
      want:
        head(3, 10, 0) +
        '#EXT-X-MAP:URI="init-0123456789abcdef.mp4"\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-02T03:04:05.678Z\n#EXTINF:2.500,\nseg-10.m4s\n#EXT-X-ENDLIST\n',
    },
  ];
  it.each(cases)('$name', ({ input: i, want }) => {
    expect(renderMediaPlaylist(i)).toBe(want);
  });
});
