import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeXml, stripXmlForbidden } from './xml-text.js';

const parser = new XMLParser({ parseTagValue: false, trimValues: false, htmlEntities: true, ignoreAttributes: false });

describe('escapeXml', () => {
  it('escapes the five predefined entities', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;',
    );
  });

  it('turns an <img onerror> payload into text', () => {
    const escaped = escapeXml('<img src=x onerror="alert(1)">');
    expect(escaped).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(escaped).not.toMatch(/[<>"]/);
  });

  it('strips what XML 1.0 forbids and keeps tab, LF, CR (as &#13;) and astral characters', () => {
    expect(escapeXml('a\u0000b\u0008c\u000bd\ufffee\uffff\ud800f\tg\nh\ri😀')).toBe('abcdef\tg\nh&#13;i😀');
  });

  it('stripXmlForbidden leaves allowed text alone', () => {
    expect(stripXmlForbidden('前方高能 \u00e9\ue000\ufffd')).toBe('前方高能 \u00e9\ue000\ufffd');
  });

  it('gives back the stripped text through a real XML parser, in element and attribute', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const xml = `<r a="${escapeXml(text)}">${escapeXml(text)}</r>`;
        expect(XMLValidator.validate(xml)).toBe(true);
        const parsed = parser.parse(xml) as { r: { '#text'?: string; '@_a': string } };
        expect(parsed.r['#text'] ?? '').toBe(stripXmlForbidden(text));
      }),
    );
  });
});
