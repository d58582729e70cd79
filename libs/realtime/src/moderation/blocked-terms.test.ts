import { describe, expect, it } from 'vitest';
import { BlockedTerms, normalizeTerm } from './blocked-terms.js';
import type { TermAction } from './moderation-action.js';

const compiled = (terms: Record<string, TermAction>): BlockedTerms => {
  const blocked = new BlockedTerms();
  for (const [term, action] of Object.entries(terms)) blocked.set(term, action);
  blocked.compile();
  return blocked;
};

describe('BlockedTerms', () => {
  it.each([
    ['no terms hit', { bad: 'mask' }, 'a fine day', { action: undefined }],
    ['masks a term', { bad: 'mask' }, 'so bad!', { action: 'mask', text: 'so ***!' }],
    ['matches whatever the case', { bad: 'mask' }, 'so BaD', { action: 'mask', text: 'so ***' }],
    ['matches upper-case terms', { BAD: 'mask' }, 'bad', { action: 'mask', text: '***' }],
    ['matches full-width letters (NFKC)', { bad: 'mask' }, 'ｂａｄ', { action: 'mask', text: '***' }],
    ['masks one * per code point', { 坏蛋: 'mask' }, '你这个坏蛋', { action: 'mask', text: '你这个**' }],
    ['masks an emoji term', { '🍆': 'mask' }, 'a 🍆 b', { action: 'mask', text: 'a * b' }],
    ['masks overlapping terms', { abc: 'mask', cde: 'mask' }, 'xabcdex', { action: 'mask', text: 'x*****x' }],
    ['masks every occurrence', { no: 'mask' }, 'no no', { action: 'mask', text: '** **' }],
    ['matches inside words', { cat: 'refuse' }, 'concatenate', { action: 'refuse' }],
    ['refuse wins over hold and mask', { a1: 'mask', b2: 'hold', c3: 'refuse' }, 'a1 b2 c3', { action: 'refuse' }],
    ['hold wins over mask', { a1: 'mask', b2: 'hold' }, 'a1 b2', { action: 'hold' }],
    ['keeps combining marks whole', { e: 'mask' }, 'cafe\u0301', { action: undefined }],
  ] as const)('%s', (_name, terms, text, expected) => {
    expect(compiled(terms).scan(text)).toEqual(expected);
  });

  it('applies edits at the next compile', () => {
    const blocked = compiled({ bad: 'refuse' });
    blocked.set('BAD', 'mask');
    blocked.set('worse', 'refuse');
    expect(blocked.size).toBe(2);
    expect(blocked.stale).toBe(true);
    expect(blocked.scan('worse')).toEqual({ action: undefined });
    blocked.compile();
    expect(blocked.scan('bad worse')).toEqual({ action: 'refuse' });
    expect(blocked.delete('Worse')).toBe(true);
    expect(blocked.delete('never')).toBe(false);
    blocked.compile();
    expect(blocked.scan('bad worse')).toEqual({ action: 'mask', text: '*** worse' });
    expect(blocked.stale).toBe(false);
  });

  it('normalises terms with NFKC and lower case', () => {
    expect(normalizeTerm('ＣＡＴ')).toBe('cat');
    expect(normalizeTerm('ﬁne')).toBe('fine');
    expect(normalizeTerm('Ünï')).toBe('ünï');
  });

  it('scans a chat-length message against 20,000 terms', () => {
    const terms: Record<string, TermAction> = {};
    for (let i = 0; i < 20_000; i++) terms[`term${i.toString(36)}x`] = 'mask';
    const blocked = compiled(terms);
    expect(blocked.scan('hello term1x and TERM2bx, not termzzzzx')).toEqual({
      action: 'mask',
      text: 'hello ****** and *******, not termzzzzx',
    });
  });
});
