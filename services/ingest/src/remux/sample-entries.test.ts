import { describe, expect, it } from 'vitest';
import { childBoxes } from '../fmp4/box.js';
import { AV1C, HVCC, OPUS, VPCC } from '../testing/codec-records.js';
import { AVCC_360P } from '../testing/flv-bodies.js';
import { parseAv1Config } from './av1-config.js';
import { parseAvcConfig } from './avc-config.js';
import { parseHevcConfig } from './hevc-config.js';
import { opusConfigFromHead } from './opus-config.js';
import { av01Entry, avc1Entry, hvc1Entry, opusEntry, vp09Entry } from './sample-entries.js';
import { parseVp9Config } from './vp9-config.js';

/** Bytes of a VisualSampleEntry before its child boxes (ISO/IEC 14496-12 §12.1.3: SampleEntry 8 + 70). */
const VISUAL_ENTRY_BYTES = 78;
/** Bytes of an AudioSampleEntry before its child boxes (§12.2.3: SampleEntry 8 + 20). */
const AUDIO_ENTRY_BYTES = 28;

/** A sample entry's type, the size fields of a visual one, and its child boxes as [type, whole box hex]. */
function readVisualEntry(entry: Buffer): { type: string; width: number; height: number; children: string[][] } {
  const [box] = childBoxes(entry);
  if (!box) throw new Error('no box');
  return {
    type: box.type,
    width: entry.readUInt16BE(box.body + 24),
    height: entry.readUInt16BE(box.body + 26),
    children: childBoxes(entry, box.body + VISUAL_ENTRY_BYTES).map((c) => [
      c.type,
      entry.toString('hex', c.start, c.end),
    ]),
  };
}

/** `body` as a plain box of `type` (ISO/IEC 14496-12 §4.2), hex. */
function boxHex(type: string, body: Buffer): string {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]).toString('hex');
}

describe('visual sample entries', () => {
  it('keeps avc1Entry byte for byte as before the shared VisualSampleEntry header', () => {
    expect(avc1Entry(parseAvcConfig(AVCC_360P)).toString('hex')).toBe(
      '0000008b6176633100000000000000010000000000000000000000000000000002800168004800000048000000000000000100000000' +
        '000000000000000000000000000000000000000000000000000000000018ffff00000035617663430164001effe1001a6764001eac' +
        'd940a02ff970110000030001000003003c0f162d9601000468ef8fcbfdf8f800',
    );
  });

  it.each([
    {
      name: 'hvc1Entry',
      entry: hvc1Entry(parseHevcConfig(HVCC.MAIN10_240P)),
      want: { type: 'hvc1', width: 426, height: 240, children: [['hvcC', boxHex('hvcC', HVCC.MAIN10_240P)]] },
    },
    {
      name: 'av01Entry',
      entry: av01Entry(parseAv1Config(AV1C.SVT_1080P)),
      want: { type: 'av01', width: 1920, height: 1080, children: [['av1C', boxHex('av1C', AV1C.SVT_1080P)]] },
    },
    {
      name: 'vp09Entry from the FullBox form',
      entry: vp09Entry(parseVp9Config(VPCC.PROFILE0_360P), 640, 360),
      want: { type: 'vp09', width: 640, height: 360, children: [['vpcC', boxHex('vpcC', VPCC.PROFILE0_360P)]] },
    },
    {
      name: 'vp09Entry from the bare record (version 1 and flags added)',
      entry: vp09Entry(parseVp9Config(VPCC.PROFILE2_10BIT_240P.subarray(4)), 426, 240),
      want: {
        type: 'vp09',
        width: 426,
        height: 240,
        children: [['vpcC', boxHex('vpcC', VPCC.PROFILE2_10BIT_240P)]],
      },
    },
  ])('$name writes the entry type, picture size and the configuration box ffmpeg writes', ({ entry, want }) => {
    expect(readVisualEntry(entry)).toEqual(want);
  });

  it('shares one header: every visual entry matches avc1Entry up to its type, size and boxes', () => {
    const avc = avc1Entry(parseAvcConfig(AVCC_360P));
    const hevc = hvc1Entry(parseHevcConfig(HVCC.MAIN_360P));
    // Same 640x360, so everything between the box header and the child boxes is equal.
    expect(hevc.subarray(8, VISUAL_ENTRY_BYTES + 8)).toEqual(avc.subarray(8, VISUAL_ENTRY_BYTES + 8));
  });
});

describe('opusEntry', () => {
  it.each([
    { name: 'stereo', head: OPUS.HEAD_STEREO, dOps: OPUS.DOPS_STEREO, channels: 2 },
    { name: 'mono from 16 kHz input', head: OPUS.HEAD_MONO_16K, dOps: OPUS.DOPS_MONO_16K, channels: 1 },
    { name: '5.1 with a mapping table', head: OPUS.HEAD_5_1, dOps: OPUS.DOPS_5_1, channels: 6 },
  ])('writes $name as ffmpeg does: Opus entry at 48 kHz and a big-endian dOps', ({ head, dOps, channels }) => {
    const entry = opusEntry(opusConfigFromHead(head));
    const [box] = childBoxes(entry);
    expect(box?.type).toBe('Opus');
    const body = box?.body ?? 0;
    expect({
      channels: entry.readUInt16BE(body + 16),
      sampleSize: entry.readUInt16BE(body + 18),
      sampleRate: entry.readUInt32BE(body + 24) / 0x1_0000,
      children: childBoxes(entry, body + AUDIO_ENTRY_BYTES).map((c) => entry.toString('hex', c.start, c.end)),
    }).toEqual({ channels, sampleSize: 16, sampleRate: 48000, children: [boxHex('dOps', dOps)] });
  });

  it('writes a negative output gain as a signed 16-bit field', () => {
    const head = Buffer.from(OPUS.HEAD_STEREO);
    head.writeInt16LE(-300, 16);
    const entry = opusEntry(opusConfigFromHead(head));
    expect(entry.readInt16BE(entry.indexOf('dOps') + 4 + 8)).toBe(-300);
  });
});
