import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HVCC } from '../testing/codec-records.js';
import { aacHeader, avcFrame, avcHeader } from '../testing/flv-bodies.js';
import { parseFlvAudio, parseFlvVideo } from './flv-media.js';
import { RemuxError } from './remux-error.js';

const ex = (frameType: number, packetType: number, ...rest: Buffer[]): Buffer =>
  Buffer.concat([Buffer.from([0x80 | (frameType << 4) | packetType]), ...rest]);
const HVC1 = Buffer.from('hvc1');
const u24 = (n: number): Buffer => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const DATA = Buffer.from('frame bytes');

describe('parseFlvVideo, enhanced RTMP', () => {
  it.each([
    { name: 'an hvc1 SequenceStart', body: ex(1, 0, HVC1, HVCC.MAIN_360P), want: { kind: 'config' } },
    {
      name: 'hvc1 CodedFrames with a composition time',
      body: ex(2, 1, HVC1, u24(40), DATA),
      want: { kind: 'frame', codec: 'hvc1', keyframe: false, compositionMs: 40, data: DATA },
    },
    {
      name: 'av01 CodedFrames (no composition time)',
      body: ex(1, 1, Buffer.from('av01'), DATA),
      want: { kind: 'frame', codec: 'av01', keyframe: true, compositionMs: 0, data: DATA },
    },
    {
      name: 'CodedFramesX',
      body: ex(1, 3, HVC1, DATA),
      want: { kind: 'frame', codec: 'hvc1', keyframe: true, compositionMs: 0, data: DATA },
    },
    {
      name: 'two ModEx signals before the packet type',
      body: ex(1, 7, Buffer.from([2, 0, 0, 0, 0x07]), Buffer.from([0, 9, 0x03]), HVC1, DATA),
      want: { kind: 'frame', codec: 'hvc1', keyframe: true, compositionMs: 0, data: DATA },
    },
    {
      name: 'a one-track Multitrack message of track 0',
      body: ex(1, 6, Buffer.from([0x03]), HVC1, Buffer.from([0]), DATA),
      want: { kind: 'frame', codec: 'hvc1', keyframe: true, compositionMs: 0, data: DATA },
    },
    {
      name: 'ManyTracksManyCodecs: track 2 (vp09) skipped, track 0 taken',
      body: ex(
        1,
        6,
        Buffer.from([0x23]),
        Buffer.from('vp09'),
        Buffer.from([2]),
        u24(3),
        Buffer.from('xyz'),
        HVC1,
        Buffer.from([0]),
        u24(DATA.length),
        DATA,
      ),
      want: { kind: 'frame', codec: 'hvc1', keyframe: true, compositionMs: 0, data: DATA },
    },
    {
      name: 'a Multitrack message without track 0',
      body: ex(1, 6, Buffer.from([0x13]), HVC1, Buffer.from([1]), u24(3), Buffer.from('xyz')),
      want: { kind: 'skip' },
    },
    { name: 'a Metadata packet', body: ex(1, 4, HVC1, Buffer.from([2, 0, 0])), want: { kind: 'skip' } },
    { name: 'a command frame', body: ex(5, 1, HVC1, Buffer.from([0])), want: { kind: 'skip' } },
    { name: 'SequenceEnd', body: ex(1, 2, HVC1), want: { kind: 'end' } },
    { name: 'legacy AVC', body: avcFrame(true, 0, 4), want: { kind: 'frame', codec: 'avc1', keyframe: true } },
    { name: 'a legacy AVC sequence header', body: avcHeader(), want: { kind: 'config' } },
  ])('reads $name', ({ body, want }) => {
    expect(parseFlvVideo(body)).toMatchObject(want);
  });

  it.each([
    { name: 'an unknown FourCC', body: ex(1, 1, Buffer.from('vvc1'), DATA) },
    { name: 'an unknown VideoPacketType', body: ex(1, 9, HVC1, DATA) },
    { name: 'a truncated FourCC', body: ex(1, 1, Buffer.from('hv')) },
    { name: 'a ModEx signal running past the message', body: ex(1, 7, Buffer.from([200, 0])) },
    {
      name: 'a track size past the message',
      body: ex(1, 6, Buffer.from([0x13]), HVC1, Buffer.from([0]), u24(99), DATA),
    },
    { name: 'a malformed hvcC', body: ex(1, 0, HVC1, Buffer.from([1, 2, 3])) },
    { name: 'a legacy codec other than AVC', body: Buffer.from([0x12, 0, 0]) },
  ])('refuses $name with a RemuxError', ({ body }) => {
    expect(() => parseFlvVideo(body)).toThrow(RemuxError);
  });
});

describe('parseFlvAudio, enhanced RTMP', () => {
  const exAudio = (packetType: number, fourCc: string, ...rest: Buffer[]): Buffer =>
    Buffer.concat([Buffer.from([(9 << 4) | packetType]), Buffer.from(fourCc), ...rest]);
  it.each([
    { name: 'an mp4a SequenceStart', body: exAudio(0, 'mp4a', Buffer.from([0x11, 0x90])), want: { kind: 'config' } },
    {
      name: 'an empty Opus SequenceStart (stereo)',
      body: exAudio(0, 'Opus'),
      want: { kind: 'config', config: { codec: 'Opus', config: { channels: 2 } } },
    },
    { name: 'Opus CodedFrames', body: exAudio(1, 'Opus', DATA), want: { kind: 'frame', codec: 'Opus', data: DATA } },
    { name: 'AC-3', body: exAudio(1, 'ac-3', DATA), want: { kind: 'unsupported', format: 'ac-3' } },
    { name: 'legacy MP3', body: Buffer.from([0x2f, 1, 2]), want: { kind: 'unsupported', format: 'SoundFormat 2' } },
    { name: 'a legacy AAC sequence header', body: aacHeader(), want: { kind: 'config' } },
  ])('reads $name', ({ body, want }) => {
    expect(parseFlvAudio(body)).toMatchObject(want);
  });
});

describe('FLV and enhanced RTMP body fuzzing', () => {
  const prefixes = [
    Buffer.from([0x91]),
    Buffer.from([0x97]),
    Buffer.from([0x96]),
    Buffer.from([0x95]),
    ex(1, 0, HVC1),
    ex(1, 6, Buffer.from([0x13]), HVC1),
    ex(1, 7),
    Buffer.from([0x17, 0]),
    Buffer.from([0xaf, 0]),
  ];
  const body = fc
    .tuple(fc.constantFrom(...prefixes, Buffer.alloc(0)), fc.uint8Array({ maxLength: 64 }))
    .map(([prefix, rest]) => Buffer.concat([prefix, Buffer.from(rest)]));

  it('throws nothing but RemuxError from either parser (2 × 20,000 bodies)', () => {
    for (const parse of [parseFlvVideo, parseFlvAudio]) {
      fc.assert(
        fc.property(body, (b) => {
          try {
            parse(b);
          } catch (err) {
            if (!(err instanceof RemuxError)) throw err;
          }
        }),
        { numRuns: 20_000 },
      );
    }
  });
});
