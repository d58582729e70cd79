import { describe, expect, it } from 'vitest';
import { BoxSplitter } from './box-splitter.js';
import { Fmp4Error } from './box.js';

/** A box with a 32-bit size, or a 64-bit largesize when `large`. */
function box(type: string, payload: number, large = false): Buffer {
  const head = Buffer.alloc(large ? 16 : 8);
  head.writeUInt32BE(large ? 1 : 8 + payload, 0);
  head.write(type, 4, 'latin1');
  if (large) head.writeBigUInt64BE(BigInt(16 + payload), 8);
  return Buffer.concat([head, Buffer.alloc(payload, 0xab)]);
}

describe('BoxSplitter', () => {
  it.each([
    {
      name: 'whole boxes in one chunk',
      chunks: [Buffer.concat([box('ftyp', 4), box('moov', 20)])],
      types: ['ftyp', 'moov'],
    },
    {
      name: 'a header split in two',
      chunks: [box('moof', 10).subarray(0, 3), box('moof', 10).subarray(3)],
      types: ['moof'],
    },
    {
      name: 'a 64-bit largesize header split inside the largesize',
      chunks: [box('mdat', 5, true).subarray(0, 12), box('mdat', 5, true).subarray(12)],
      types: ['mdat'],
    },
    { name: 'an empty chunk', chunks: [Buffer.alloc(0), box('free', 0)], types: ['free'] },
    { name: 'a partial box kept for later', chunks: [box('moof', 10).subarray(0, 9)], types: [] },
  ])('cuts $name', ({ chunks, types }) => {
    const s = new BoxSplitter(1024);
    const boxes = chunks.flatMap((c) => s.push(c));
    expect(boxes.map((b) => b.type)).toEqual(types);
    expect(Buffer.concat([...boxes.map((b) => b.data), Buffer.alloc(s.pendingBytes)]).length).toBe(
      Buffer.concat(chunks).length,
    );
  });

  it.each([
    { name: 'size 0 (to end of stream)', bytes: Buffer.from([0, 0, 0, 0, 0x6d, 0x64, 0x61, 0x74]), error: /size 0/ },
    {
      name: 'a size smaller than the header',
      bytes: Buffer.from([0, 0, 0, 7, 0x6d, 0x64, 0x61, 0x74]),
      error: /smaller than its header/,
    },
    {
      name: 'a largesize smaller than its header',
      bytes: (() => {
        const b = box('mdat', 0, true);
        b.writeBigUInt64BE(15n, 8);
        return b;
      })(),
      error: /largesize 15 out of range/,
    },
    {
      name: 'a box over the bound',
      bytes: box('mdat', 2000).subarray(0, 8),
      error: /mdat of 2008 bytes exceeds the bound of 1024/,
    },
  ])('rejects $name', ({ bytes, error }) => {
    const s = new BoxSplitter(1024);
    expect(() => s.push(bytes)).toThrow(Fmp4Error);
    expect(() => new BoxSplitter(1024).push(bytes)).toThrow(error);
  });
});
