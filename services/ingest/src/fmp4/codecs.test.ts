import { describe, expect, it } from 'vitest';
import { childBoxes } from './box.js';
import { avcCodecString, mp4aCodecString } from './codecs.js';

function box(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}
/** An esds (ISO/IEC 14496-14 §5.6) with ES, DecoderConfig and DecoderSpecificInfo descriptors. */
function esds(oti: number, asc: number[], longSizes = false): Buffer {
  const desc = (tag: number, body: Buffer): Buffer =>
    Buffer.concat([Buffer.from(longSizes ? [tag, 0x80, 0x80, 0x80, body.length] : [tag, body.length]), body]);
  const dsi = desc(0x05, Buffer.from(asc));
  const dcd = desc(0x04, Buffer.concat([Buffer.from([oti, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), dsi]));
  const es = desc(0x03, Buffer.concat([Buffer.from([0, 1, 0]), dcd]));
  return box('esds', Buffer.concat([Buffer.alloc(4), es]));
}

describe('RFC 6381 codecs strings', () => {
  it.each([
    { name: 'High 3.1', record: [1, 0x64, 0x00, 0x1f], entry: 'avc1', want: 'avc1.64001f' },
    { name: 'Constrained Baseline 3.0', record: [1, 0x42, 0xc0, 0x1e], entry: 'avc1', want: 'avc1.42c01e' },
    { name: 'Main 4.0 in avc3', record: [1, 0x4d, 0x40, 0x28], entry: 'avc3', want: 'avc3.4d4028' },
  ])('avcC $name → $want', ({ record, entry, want }) => {
    const buf = box('avcC', Buffer.from(record));
    const [avcC] = childBoxes(buf);
    expect(avcC && avcCodecString(buf, avcC, entry)).toBe(want);
  });

  it.each([
    { name: 'AAC LC', oti: 0x40, asc: [0x11, 0x90], want: 'mp4a.40.2' },
    { name: 'HE-AAC (SBR)', oti: 0x40, asc: [0x2b, 0x92, 0x08, 0x00], want: 'mp4a.40.5' },
    { name: 'an escaped object type (31 → 32 + 6 bits)', oti: 0x40, asc: [0xf8, 0x20], want: 'mp4a.40.33' },
    { name: 'AAC LC with 4-byte descriptor sizes', oti: 0x40, asc: [0x12, 0x10], long: true, want: 'mp4a.40.2' },
    { name: 'MP3', oti: 0x6b, asc: [], want: 'mp4a.6b' },
  ])('esds $name → $want', ({ oti, asc, long, want }) => {
    const buf = esds(oti, asc, long);
    const [box0] = childBoxes(buf);
    expect(box0 && mp4aCodecString(buf, box0)).toBe(want);
  });

  it('rejects an esds without an ES_Descriptor', () => {
    const buf = box('esds', Buffer.from([0, 0, 0, 0, 0x04, 0x00]));
    const [b] = childBoxes(buf);
    expect(() => b && mp4aCodecString(buf, b)).toThrow(/expected ES_Descriptor/);
  });
});
