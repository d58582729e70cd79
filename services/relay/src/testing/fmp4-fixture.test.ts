import { describe, expect, it } from 'vitest';
import { cutFmp4, topLevelBoxes } from './fmp4-fixture.js';

function box(type: string, payload: number): Buffer {
  const b = Buffer.alloc(8 + payload, 0xaa);
  b.writeUInt32BE(8 + payload, 0);
  b.write(type, 4, 'latin1');
  return b;
}

function largeBox(type: string, payload: number): Buffer {
  const b = Buffer.alloc(16 + payload, 0xbb);
  b.writeUInt32BE(1, 0);
  b.write(type, 4, 'latin1');
  b.writeBigUInt64BE(BigInt(16 + payload), 8);
  return b;
}

describe('topLevelBoxes', () => {
  const cases: Array<{ name: string; buf: Buffer; want: string[] | RegExp }> = [
    { name: 'plain boxes', buf: Buffer.concat([box('ftyp', 4), box('moov', 10)]), want: ['ftyp:0-12', 'moov:12-30'] },
    {
      name: '64-bit largesize',
      buf: Buffer.concat([largeBox('mdat', 3), box('free', 0)]),
      want: ['mdat:0-19', 'free:19-27'],
    },
    {
      name: 'size 0 runs to the end',
      buf: Buffer.concat([box('ftyp', 0), Buffer.from([0, 0, 0, 0, 0x6d, 0x64, 0x61, 0x74, 1, 2])]),
      want: ['ftyp:0-8', 'mdat:8-18'],
    },
    { name: 'truncated header', buf: Buffer.concat([box('ftyp', 0), Buffer.alloc(4)]), want: /truncated/ },
    { name: 'size past the end', buf: box('moov', 10).subarray(0, 12), want: /bad box size/ },
    { name: 'size below the header', buf: Buffer.from([0, 0, 0, 4, 0x6d, 0x6f, 0x6f, 0x76]), want: /bad box size/ },
  ];
  it.each(cases)('$name', ({ buf, want }) => {
    if (want instanceof RegExp) expect(() => topLevelBoxes(buf)).toThrow(want);
    else expect(topLevelBoxes(buf).map((b) => `${b.type}:${b.start}-${b.end}`)).toEqual(want);
  });
});

describe('cutFmp4', () => {
  it('splits init from moof+mdat fragments and drops the trailing mfra', () => {
    const init = [box('ftyp', 4), box('moov', 20)];
    const frag1 = [box('moof', 6), box('mdat', 30)];
    const frag2 = [box('moof', 6), box('mdat', 12)];
    const cut = cutFmp4(Buffer.concat([...init, ...frag1, ...frag2, box('mfra', 8)]));
    expect(cut.init).toEqual(Buffer.concat(init));
    expect(cut.fragments).toEqual([Buffer.concat(frag1), Buffer.concat(frag2)]);
  });

  it('rejects a moof without its mdat', () => {
    expect(() => cutFmp4(Buffer.concat([box('ftyp', 0), box('moof', 4), box('free', 0)]))).toThrow(/without mdat/);
  });
});
