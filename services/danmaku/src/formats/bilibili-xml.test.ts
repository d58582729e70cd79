import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { bilibiliXml, modeFromBilibili, sizeFromBilibili, userHash } from './bilibili-xml.js';
import type { ReplayItem } from './replay-item.js';

function item(overrides: Partial<ReplayItem>): ReplayItem {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    text: 'hi',
    mode: 'scroll',
    color: '#ffffff',
    size: 'normal',
    name: 'ann',
    userId: 'u1',
    sentAtMs: 1_700_000_000_999,
    streamTimeMs: 490_191,
    seq: 42,
    ...overrides,
  };
}

/** The `p` and text of each `<d>`, read by a real XML parser. */
function ds(xml: string): { p: string; text: string }[] {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    trimValues: false,
    alwaysCreateTextNode: true,
    isArray: (name) => name === 'd',
  });
  const root = (parser.parse(xml) as { i: { d?: { p: string; '#text': string }[] } }).i;
  return (root.d ?? []).map((d) => ({ p: d.p, text: d['#text'] }));
}

describe('bilibiliXml', () => {
  it('writes p as time,mode,size,color,unixtime,pool,userhash,id', () => {
    const [d] = ds(bilibiliXml([item({ color: '#ff0000', text: '前方高能' })], 'room-1.p1'));
    expect(d).toEqual({ p: `490.19100,1,25,16711680,1700000000,0,${userHash('u1')},42`, text: '前方高能' });
  });

  it('writes the pool header and one <d> per item in order', () => {
    const xml = bilibiliXml([item({ text: 'a' }), item({ text: 'b' })], 'room-1.p1');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<i>\n<chatserver>onair</chatserver>\n')).toBe(true);
    expect(xml).toContain('<chatid>room-1.p1</chatid>');
    expect(xml).toContain('<maxlimit>2</maxlimit>');
    expect(ds(xml).map((d) => d.text)).toEqual(['a', 'b']);
  });

  it('writes an empty pool as valid XML', () => {
    expect(ds(bilibiliXml([], 'x'))).toEqual([]);
  });

  it.each([
    ['scroll', 1],
    ['bottom', 4],
    ['top', 5],
    ['reverse', 6],
  ] as const)('writes mode %s as %i', (mode, expected) => {
    expect(ds(bilibiliXml([item({ mode })], 'x'))[0]?.p.split(',')[1]).toBe(String(expected));
  });

  it.each([
    ['small', 18],
    ['normal', 25],
    ['large', 36],
  ] as const)('writes size %s as %i', (size, expected) => {
    expect(ds(bilibiliXml([item({ size })], 'x'))[0]?.p.split(',')[2]).toBe(String(expected));
  });

  it('escapes <&>"\' so that an <img onerror> payload stays text', () => {
    const text = `<img src=x onerror="alert('1')"> & </d><d p="0">`;
    const xml = bilibiliXml([item({ text })], 'x');
    expect(xml).toContain(
      '&lt;img src=x onerror=&quot;alert(&apos;1&apos;)&quot;&gt; &amp; &lt;/d&gt;&lt;d p=&quot;0&quot;&gt;',
    );
    expect(ds(xml)).toHaveLength(1);
    expect(ds(xml)[0]?.text).toBe(text);
  });

  it('strips characters XML 1.0 forbids', () => {
    const xml = bilibiliXml([item({ text: 'a\u0001b\ufffe\ud800c' })], 'x');
    expect(ds(xml)[0]?.text).toBe('abc');
  });

  it('clamps a negative stream time to 0', () => {
    expect(ds(bilibiliXml([item({ streamTimeMs: -1 })], 'x'))[0]?.p.split(',')[0]).toBe('0.00000');
  });
});

describe('Bilibili mappings', () => {
  it.each([
    [1, 'scroll'],
    [2, 'scroll'],
    [3, 'scroll'],
    [4, 'bottom'],
    [5, 'top'],
    [6, 'reverse'],
    [7, undefined],
    [8, undefined],
    [9, undefined],
    [0, undefined],
  ])('reads mode %i as %s', (mode, expected) => {
    expect(modeFromBilibili(mode)).toBe(expected);
  });

  it.each([
    [12, 'small'],
    [16, 'small'],
    [18, 'small'],
    [25, 'normal'],
    [36, 'large'],
    [45, 'large'],
    [64, 'large'],
  ])('reads font size %i as %s', (fontSize, expected) => {
    expect(sizeFromBilibili(fontSize)).toBe(expected);
  });

  it('hashes a user id to 8 hex digits and keeps an imported hash', () => {
    expect(userHash('u1')).toMatch(/^[0-9a-f]{8}$/);
    expect(userHash('u1')).toBe(userHash('u1'));
    expect(userHash('u1')).not.toBe(userHash('u2'));
    expect(userHash('bilibili:a16fe0dd')).toBe('a16fe0dd');
  });
});
