import { parse as parseHls, setOptions, type types } from 'hls-parser';
import { describe, expect, it } from 'vitest';
import {
  renderMediaPlaylist,
  type MediaPlaylistInput,
  type PlaylistPart,
  type PlaylistSegment,
} from './media-playlist.js';

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const INIT_A = '0123456789abcdef';
const INIT_B = 'fedcba9876543210';
const seg = (sequence: number, durationMs: number, over: Partial<PlaylistSegment> = {}): PlaylistSegment => ({
  sequence,
  durationMs,
  discontinuity: false,
  programDateTimeMs: T0 + (sequence - 10) * 2000,
  init: { id: INIT_A },
  parts: [],
  ...over,
});
const input = (over: Partial<MediaPlaylistInput>): MediaPlaylistInput => ({
  segments: [],
  mediaSequence: 0,
  discontinuitySequence: 0,
  targetDurationS: 2,
  ended: false,
  current: undefined,
  partTargetMs: 0,
  nextPartSequence: undefined,
  renditionReports: [],
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

describe('renderMediaPlaylist with parts (draft-pantos-hls-rfc8216bis), read back by hls-parser', () => {
  setOptions({ strictMode: true });
  const parts = (sequence: number, count: number, ms = 250): PlaylistPart[] =>
    Array.from({ length: count }, (_, i) => ({
      partSequence: sequence * 10 + i,
      durationMs: ms,
      independent: i === 0,
    }));
  const llSeg = (sequence: number, over: Partial<PlaylistSegment> = {}): PlaylistSegment =>
    seg(sequence, 1000, { programDateTimeMs: T0 + sequence * 1000, parts: parts(sequence, 4), ...over });
  const live = (over: Partial<MediaPlaylistInput> = {}): MediaPlaylistInput =>
    input({
      segments: [10, 11, 12, 13, 14].map((s) => llSeg(s)),
      current: llSeg(15, { durationMs: 500, parts: parts(15, 2) }),
      targetDurationS: 1,
      partTargetMs: 250,
      nextPartSequence: 152,
      renditionReports: [{ uri: '../480p/index.m3u8', lastMsn: 15, lastPart: 0 }],
      ...over,
    });
  const parse = (text: string): types.MediaPlaylist => parseHls(text) as types.MediaPlaylist;
  const partUris = (p: types.MediaPlaylist): string[][] => p.segments.map((s) => s.parts.map((x) => x.uri));

  it('states the server control, part target, parts of the last three target durations and the segment in progress', () => {
    const p = parse(renderMediaPlaylist(live()));
    expect(p.lowLatencyCompatibility).toMatchObject({ canBlockReload: true, canSkipUntil: 6, partHoldBack: 0.75 });
    expect(p.partTargetDuration).toBe(0.25);
    expect(p.targetDuration).toBe(1);
    expect(p.segments.map((s) => [s.mediaSequenceNumber, s.uri, s.duration])).toEqual([
      [10, 'seg-10.m4s', 1],
      [11, 'seg-11.m4s', 1],
      [12, 'seg-12.m4s', 1],
      [13, 'seg-13.m4s', 1],
      [14, 'seg-14.m4s', 1],
      [15, '', undefined],
    ]);
    // The playlist ends 5.5 s in: segments starting 2.5 s or later (13, 14) and the current one list parts.
    expect(partUris(p)).toEqual([
      [],
      [],
      [],
      ['part-130.m4s', 'part-131.m4s', 'part-132.m4s', 'part-133.m4s'],
      ['part-140.m4s', 'part-141.m4s', 'part-142.m4s', 'part-143.m4s'],
      ['part-150.m4s', 'part-151.m4s', 'part-152.m4s'],
    ]);
    const current = p.segments[5]?.parts ?? [];
    expect(current.map((x) => [x.duration, x.independent ?? false, x.hint])).toEqual([
      [0.25, true, false],
      [0.25, false, false],
      [undefined, false, true],
    ]);
    expect(p.renditionReports).toEqual([
      expect.objectContaining({ uri: '../480p/index.m3u8', lastMSN: 15, lastPart: 0 }) as unknown,
    ]);
    expect(p.segments.every((s) => s.programDateTime instanceof Date)).toBe(true);
  });

  it('puts a discontinuity, the new init and the date of the segment in progress before its first part', () => {
    const text = renderMediaPlaylist(
      live({
        current: llSeg(15, { durationMs: 250, parts: parts(15, 1), discontinuity: true, init: { id: INIT_B } }),
      }),
    );
    expect(text).toContain(
      '#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-fedcba9876543210.mp4"\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-02T03:04:20.678Z\n#EXT-X-PART:DURATION=0.250,URI="part-150.m4s",INDEPENDENT=YES\n',
    );
    const p = parse(text);
    expect(p.segments[5]).toMatchObject({ discontinuity: true, mediaSequenceNumber: 15 });
    expect(p.segments[5]?.map?.uri).toBe('init-fedcba9876543210.mp4');
  });

  it.each([
    { skip: 'YES' as const, version: 9, removed: '' },
    { skip: 'v2' as const, version: 10, removed: ',RECENTLY-REMOVED-DATERANGES=""' },
  ])(
    'answers _HLS_skip=$skip with a Delta Update of the segments beyond the skip boundary',
    ({ skip, version, removed }) => {
      const segments = Array.from({ length: 10 }, (_, i) => llSeg(10 + i));
      const text = renderMediaPlaylist(
        live({ segments, current: llSeg(20, { durationMs: 250, parts: parts(20, 1) }), skip }),
      );
      expect(text).toContain(`#EXT-X-VERSION:${version}\n`);
      // 10 s of complete segments, a 6 s boundary: the first 4 start more than 6 s before their end.
      expect(text).toContain(
        `#EXT-X-MEDIA-SEQUENCE:10\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-SKIP:SKIPPED-SEGMENTS=4${removed}\n#EXT-X-MAP:URI="init-0123456789abcdef.mp4"\n`,
      );
      const p = parse(text);
      expect(p.skip).toBe(4);
      expect(p.segments.map((s) => s.mediaSequenceNumber)).toEqual([14, 15, 16, 17, 18, 19, 20]);
    },
  );

  it('keeps skipped segments out of a playlist that did not ask, and ignores _HLS_skip once ended', () => {
    const segments = Array.from({ length: 10 }, (_, i) => llSeg(10 + i));
    expect(renderMediaPlaylist(live({ segments }))).not.toContain('EXT-X-SKIP');
    const ended = renderMediaPlaylist(live({ segments, current: undefined, ended: true, skip: 'YES' }));
    expect(ended).not.toContain('EXT-X-SKIP');
  });

  it('closes an ended stream with ENDLIST, without a hint or reports', () => {
    const text = renderMediaPlaylist(live({ current: undefined, ended: true }));
    const p = parse(text);
    expect(p.endlist).toBe(true);
    expect(text).not.toMatch(/PRELOAD-HINT|RENDITION-REPORT/);
    expect(p.segments.at(-1)?.uri).toBe('seg-14.m4s');
  });

  it('lists no parts, no server control and no hint for a stream without a part target', () => {
    const text = renderMediaPlaylist(live({ partTargetMs: 0 }));
    expect(text).not.toMatch(/EXT-X-PART|SERVER-CONTROL|PRELOAD-HINT|RENDITION-REPORT/);
    expect(parse(text).segments.map((s) => s.uri)).toEqual([
      'seg-10.m4s',
      'seg-11.m4s',
      'seg-12.m4s',
      'seg-13.m4s',
      'seg-14.m4s',
    ]);
  });
});
