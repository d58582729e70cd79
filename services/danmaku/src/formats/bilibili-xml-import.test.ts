import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OnairError } from '@onair/runtime';
import { bilibiliXml, userHash } from './bilibili-xml.js';
import { importBilibiliXml } from './bilibili-xml-import.js';
import type { ReplayItem } from './replay-item.js';
import { stripXmlForbidden } from './xml-text.js';
import { DANMAKU_MODES, DANMAKU_SIZES } from '../danmaku/danmaku-kind.js';

function doc(...ds: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><i><chatserver>chat.bilibili.com</chatserver><chatid>1</chatid>${ds.join('')}</i>`;
}

function importError(xml: string, limits?: Parameters<typeof importBilibiliXml>[1]): OnairError {
  try {
    importBilibiliXml(xml, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(OnairError);
    return err as OnairError;
  }
  throw new Error('the import did not throw');
}

/** What the format carries of an item, as the import gives it back. */
function carried(item: ReplayItem): ReplayItem {
  const hash = userHash(item.userId);
  return {
    id: `bilibili:${item.seq}`,
    text: item.text,
    mode: item.mode,
    color: item.color,
    size: item.size,
    name: hash,
    userId: `bilibili:${hash}`,
    sentAtMs: Math.floor(item.sentAtMs / 1000) * 1000,
    streamTimeMs: item.streamTimeMs,
    seq: item.seq,
  };
}

const textArbitrary = fc
  .array(
    fc.oneof(
      fc.constantFrom('<', '>', '&', '"', "'", '{', '}', '\\', ' ', ']]>', '&amp;', '<img src=x onerror=alert(1)>'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) =>
    parts
      .join('')
      .replace(/\p{Cc}/gu, '')
      .trim(),
  )
  .filter((text) => text !== '' && stripXmlForbidden(text) === text);

const itemArbitrary: fc.Arbitrary<ReplayItem> = fc.record({
  id: fc.uuid(),
  text: textArbitrary,
  mode: fc.constantFrom(...DANMAKU_MODES),
  color: fc.integer({ min: 0, max: 0xffffff }).map((value) => `#${value.toString(16).padStart(6, '0')}`),
  size: fc.constantFrom(...DANMAKU_SIZES),
  name: fc.string(),
  userId: fc.string({ minLength: 1 }),
  sentAtMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  streamTimeMs: fc.integer({ min: 0, max: 48 * 3_600_000 }),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
});

describe('importBilibiliXml', () => {
  it("reads Bilibili's own dump", () => {
    const xml = doc('<d p="490.19100,1,25,16777215,1584268892,0,a16fe0dd,29950852386521095">text</d>');
    expect(importBilibiliXml(xml)).toEqual({
      items: [
        {
          id: 'bilibili:29950852386521095',
          text: 'text',
          mode: 'scroll',
          color: '#ffffff',
          size: 'normal',
          name: 'a16fe0dd',
          userId: 'bilibili:a16fe0dd',
          sentAtMs: 1_584_268_892_000,
          streamTimeMs: 490_191,
          seq: 0,
        },
      ],
      skipped: 0,
    });
  });

  it('accepts a ninth field (shield level) and maps modes, sizes and colours', () => {
    const { items } = importBilibiliXml(
      doc(
        '<d p="1.5,2,12,255,1,0,ab,1,10">a</d>',
        '<d p="2,3,45,65280,1,0,ab,2">b</d>',
        '<d p="3,4,18,0,1,0,ab,3">c</d>',
        '<d p="4,5,64,16711680,1,0,ab,4">d</d>',
        '<d p="5,6,36,1,1,0,ab,5">e</d>',
      ),
    );
    expect(items.map((i) => [i.streamTimeMs, i.mode, i.size, i.color])).toEqual([
      [1500, 'scroll', 'small', '#0000ff'],
      [2000, 'scroll', 'large', '#00ff00'],
      [3000, 'bottom', 'small', '#000000'],
      [4000, 'top', 'large', '#ff0000'],
      [5000, 'reverse', 'large', '#000001'],
    ]);
  });

  it('skips modes 7, 8, 9 and texts that are empty once cleaned', () => {
    const result = importBilibiliXml(
      doc(
        '<d p="1,7,25,0,1,2,ab,1">[0,0,"1-1",4.5,"x"]</d>',
        '<d p="1,8,25,0,1,2,ab,2">code</d>',
        '<d p="1,9,25,0,1,2,ab,3">bas</d>',
        '<d p="1,1,25,0,1,0,ab,4"> \t </d>',
        '<d p="1,1,25,0,1,0,ab,5"/>',
        '<d p="1,1,25,0,1,0,ab,6">kept</d>',
      ),
    );
    expect(result.items.map((i) => i.text)).toEqual(['kept']);
    expect(result.skipped).toBe(5);
  });

  it('unescapes entities and numeric references, keeps markup as text, cleans control characters', () => {
    const { items } = importBilibiliXml(
      doc('<d p="1,1,25,0,1,0,ab,1">&lt;img src=x onerror=alert(1)&gt; &amp;&quot;&apos;&#x1F600;&#13;x\ny</d>'),
    );
    expect(items[0]?.text).toBe('<img src=x onerror=alert(1)> &"\'😀 x y');
  });

  it.each([
    ['unclosed', doc('<d p="1,1,25,0,1,0,ab,1">x'), /malformed XML at line 1/],
    ['not XML', 'hello', /malformed XML|root element/],
    ['another root', '<x><d p="1,1,25,0,1,0,ab,1">x</d></x>', /root element must be <i>/],
    ['a DOCTYPE', '<!DOCTYPE i [<!ENTITY a "x">]><i><d p="1,1,25,0,1,0,ab,1">&a;</d></i>', /DOCTYPE/],
  ])('refuses %s with INVALID_ARGUMENT', (_, xml, message) => {
    const err = importError(xml);
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.field).toBe('xml');
    expect(err.message).toMatch(message);
  });

  it.each([
    ['no p', '<d>x</d>'],
    ['7 fields', '<d p="1,1,25,0,1,0,ab">x</d>'],
    ['a negative time', '<d p="-1,1,25,0,1,0,ab,1">x</d>'],
    ['a time that is not a number', '<d p="1e3,1,25,0,1,0,ab,1">x</d>'],
    ['a colour too large', '<d p="1,1,25,16777216,1,0,ab,1">x</d>'],
    ['a hex colour', '<d p="1,1,25,#fff,1,0,ab,1">x</d>'],
    ['a bad mode', '<d p="1,x,25,0,1,0,ab,1">x</d>'],
    ['a bad size', '<d p="1,1,big,0,1,0,ab,1">x</d>'],
    ['a bad send time', '<d p="1,1,25,0,-1,0,ab,1">x</d>'],
    ['a bad hash', '<d p="1,1,25,0,1,0,a b,1">x</d>'],
    ['a bad id', '<d p="1,1,25,0,1,0,ab,-1">x</d>'],
  ])('skips a <d> with %s and reads the others', (_, bad) => {
    const result = importBilibiliXml(
      doc('<d p="1,1,25,0,1,0,ab,1">before</d>', bad, '<d p="2,1,25,0,1,0,ab,2">after</d>'),
    );
    expect(result.items.map((i) => i.text)).toEqual(['before', 'after']);
    expect(result.skipped).toBe(1);
  });

  it('skips texts longer than maxTextChars (code points)', () => {
    const result = importBilibiliXml(
      doc('<d p="1,1,25,0,1,0,ab,1">😀😀😀</d>', '<d p="1,1,25,0,1,0,ab,2">😀😀😀😀</d>'),
      {
        maxTextChars: 3,
      },
    );
    expect(result.items.map((i) => i.text)).toEqual(['😀😀😀']);
    expect(result.skipped).toBe(1);
  });

  it('refuses a document over the size or count bound with PAYLOAD_TOO_LARGE', () => {
    const xml = doc(...Array.from({ length: 3 }, (_, n) => `<d p="1,1,25,0,1,0,ab,${n}">x</d>`));
    expect(importError(xml, { maxBytes: 100 }).code).toBe('PAYLOAD_TOO_LARGE');
    expect(importError(xml, { maxItems: 2 }).code).toBe('PAYLOAD_TOO_LARGE');
    expect(importBilibiliXml(xml, { maxItems: 3 }).items).toHaveLength(3);
  });
});

describe('Bilibili XML round trip', () => {
  it('gives back what the format carries of each item', () => {
    const items: ReplayItem[] = [
      {
        id: '00000000-0000-4000-8000-000000000001',
        text: `<img src=x onerror="alert('1')"> & {\\N} 前方高能 😀`,
        mode: 'reverse',
        color: '#fe2c55',
        size: 'large',
        name: 'ann',
        userId: 'user-1',
        sentAtMs: 1_700_000_000_123,
        streamTimeMs: 3_723_004,
        seq: 17,
      },
    ];
    expect(importBilibiliXml(bilibiliXml(items, 'room-1.p'))).toEqual({ items: items.map(carried), skipped: 0 });
  });

  it('holds for any items', () => {
    fc.assert(
      fc.property(fc.array(itemArbitrary, { maxLength: 20 }), (items) => {
        const xml = bilibiliXml(items, 'room-1.p');
        const imported = importBilibiliXml(xml);
        expect(imported).toEqual({ items: items.map(carried), skipped: 0 });
        expect(bilibiliXml(imported.items, 'room-1.p')).toBe(xml);
      }),
      { numRuns: 200 },
    );
  });
});
