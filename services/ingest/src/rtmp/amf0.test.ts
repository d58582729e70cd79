import { describe, expect, it } from 'vitest';
import { AMF0_MARKER, Amf0EcmaArray, toPlainValue, type Amf0Value } from './amf0.js';
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
