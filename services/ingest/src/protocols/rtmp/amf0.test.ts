import { describe, expect, it } from 'vitest';
import { AMF0_MARKER, Amf0EcmaArray, PLAIN_VALUE_LIMITS, toPlainValue, type Amf0Value } from './amf0.js';
import { decodeAmf0 } from './amf0-decode.js';
import { encodeAmf0 } from './amf0-encode.js';
import { RtmpProtocolError } from './protocol-error.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const longText = 'x'.repeat(70_000);

describe('AMF0 round trips (AMF0 spec §2)', () => {
  const cases: Array<{ name: string; value: Amf0Value; bytes?: string; marker: number }> = [
    { name: 'number', value: 1.5, bytes: '00 3ff8000000000000', marker: AMF0_MARKER.NUMBER },
    { name: 'negative number', value: -42, marker: AMF0_MARKER.NUMBER },
    { name: 'boolean true', value: true, bytes: '01 01', marker: AMF0_MARKER.BOOLEAN },
    { name: 'boolean false', value: false, bytes: '01 00', marker: AMF0_MARKER.BOOLEAN },
    { name: 'string', value: 'live', bytes: '02 0004 6c697665', marker: AMF0_MARKER.STRING },
    { name: 'utf-8 string', value: 'dán', marker: AMF0_MARKER.STRING },
    { name: 'empty string', value: '', bytes: '02 0000', marker: AMF0_MARKER.STRING },
    { name: 'long string', value: longText, marker: AMF0_MARKER.LONG_STRING },
    { name: 'null', value: null, bytes: '05', marker: AMF0_MARKER.NULL },
    { name: 'undefined', value: undefined, bytes: '06', marker: AMF0_MARKER.UNDEFINED },
    { name: 'date', value: new Date(1_700_000_000_123), marker: AMF0_MARKER.DATE },
    { name: 'object', value: { app: 'live', n: 2 }, marker: AMF0_MARKER.OBJECT },
    { name: 'empty object', value: {}, bytes: '03 0000 09', marker: AMF0_MARKER.OBJECT },
    { name: 'nested object', value: { a: { b: [1, 'two', null] } }, marker: AMF0_MARKER.OBJECT },
    {
      name: 'ECMA array',
      value: new Amf0EcmaArray({ width: 640, height: 360, encoder: 'Lavf' }),
      marker: AMF0_MARKER.ECMA_ARRAY,
    },
    { name: 'strict array', value: [1, true, 'x', undefined], marker: AMF0_MARKER.STRICT_ARRAY },
    { name: 'empty strict array', value: [], bytes: '0a 00000000', marker: AMF0_MARKER.STRICT_ARRAY },
  ];
  it.each(cases)('$name', ({ value, bytes, marker }) => {
    const encoded = encodeAmf0(value);
    expect(encoded[0]).toBe(marker);
    if (bytes) expect(encoded.toString('hex')).toBe(hex(bytes).toString('hex'));
    const [decoded, ...rest] = decodeAmf0(encoded);
    expect(rest).toEqual([]);
    expect(decoded).toEqual(value);
    if (value instanceof Amf0EcmaArray) expect(decoded).toBeInstanceOf(Amf0EcmaArray);
  });

  it('decodes a command of several values in a row', () => {
    const body = encodeAmf0('connect', 1, { app: 'live', tcUrl: 'rtmp://h/live' });
    expect(decodeAmf0(body)).toEqual(['connect', 1, { app: 'live', tcUrl: 'rtmp://h/live' }]);
  });
});

describe('AMF0 decoding of other markers', () => {
  const cases: Array<{ name: string; bytes: string; value: Amf0Value }> = [
    { name: 'typed object reads as an object', bytes: '10 0001 43 0001 61 0101 0000 09', value: { a: true } },
    {
      name: 'reference to an earlier object',
      bytes: '0a 00000002 03 0001 61 0101 0000 09 07 0001',
      value: [{ a: true }, { a: true }],
    },
    { name: 'xml document reads as a string', bytes: '0f 00000004 3c612f3e', value: '<a/>' },
    { name: 'unsupported marker reads as undefined', bytes: '0d', value: undefined },
  ];
  it.each(cases)('$name', ({ bytes, value }) => {
    expect(decodeAmf0(hex(bytes))).toEqual([value]);
  });

  it('keeps "__proto__" as a plain property and out of prototypes', () => {
    const bytes = Buffer.concat([hex('03 0009'), Buffer.from('__proto__'), hex('01 01 0000 09')]);
    const [obj] = decodeAmf0(bytes);
    expect(Object.keys(obj as object)).toEqual(['__proto__']);
    const plain = toPlainValue(obj) as Record<string, unknown>;
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.hasOwn(plain, '__proto__')).toBe(true);
  });
});

describe('AMF0 rejects malformed input', () => {
  const deep = Buffer.concat([...Array.from({ length: 40 }, () => hex('0a 00000001')), hex('05')]);
  const cases: Array<{ name: string; bytes: Buffer; message: RegExp }> = [
    { name: 'truncated number', bytes: hex('00 3ff8'), message: /truncated/ },
    { name: 'string longer than the buffer', bytes: hex('02 0010 41'), message: /truncated/ },
    { name: 'object without end marker', bytes: hex('03 0001 61 0101'), message: /truncated/ },
    { name: 'strict array count over the bytes left', bytes: hex('0a ffffffff 05'), message: /strict array/ },
    { name: 'reference to nothing', bytes: hex('07 0003'), message: /reference/ },
    { name: 'movieclip (reserved)', bytes: hex('04'), message: /not supported/ },
    { name: 'AMF3 switch', bytes: hex('11 01'), message: /AMF3/ },
    { name: 'nesting deeper than 32', bytes: deep, message: /nesting/ },
  ];
  it.each(cases)('$name', ({ bytes, message }) => {
    expect(() => decodeAmf0(bytes)).toThrow(RtmpProtocolError);
    expect(() => decodeAmf0(bytes)).toThrow(message);
  });
});

describe('toPlainValue bounds what references (AMF0 spec §2.9) expand to', () => {
  const u16 = (n: number): string => n.toString(16).padStart(4, '0');
  // A strict array of o0 = {} and o_k = { a: o_(k-1), b: o_(k-1) }: linear bytes, 2^k values when expanded.
  const dag = (levels: number): Buffer =>
    hex(
      `0a ${(levels + 1).toString(16).padStart(8, '0')} 03 0000 09` +
        Array.from({ length: levels }, (_, i) => `03 0001 61 07 ${u16(i + 1)} 0001 62 07 ${u16(i + 1)} 0000 09`).join(
          '',
        ),
    );
  const bigString = Buffer.concat([hex('0c 00080000'), Buffer.alloc(0x80000, 0x41)]);
  const cases: Array<{ name: string; bytes: Buffer; message: RegExp }> = [
    { name: 'an object referenced twice at each of 16 levels', bytes: dag(16), message: /over 10000 values/ },
    { name: 'an object that references itself', bytes: hex('03 0001 61 07 0000 0000 09'), message: /deeper than 32/ },
    {
      name: 'a 512 KiB string referenced 3 times',
      bytes: Buffer.concat([hex('0a 00000004 03 0001 73'), bigString, hex('0000 09 07 0001 07 0001 07 0001')]),
      message: /over 1048576 characters/,
    },
  ];
  it.each(cases)('rejects $name', ({ bytes, message }) => {
    const [value] = decodeAmf0(bytes);
    expect(() => toPlainValue(value)).toThrow(RtmpProtocolError);
    expect(() => toPlainValue(value)).toThrow(message);
  });

  it('expands references within the limits, and stops at a lower limit', () => {
    const value = toPlainValue(decodeAmf0(dag(3))[0]) as unknown[];
    expect(JSON.stringify(value[3])).toBe(
      '{"a":{"a":{"a":{},"b":{}},"b":{"a":{},"b":{}}},"b":{"a":{"a":{},"b":{}},"b":{"a":{},"b":{}}}}',
    );
    const [value3] = decodeAmf0(dag(3));
    expect(() => toPlainValue(value3, { ...PLAIN_VALUE_LIMITS, maxValues: 20 })).toThrow(/over 20 values/);
  });
});
