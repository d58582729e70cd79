import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeHtml } from './html-escape.js';

describe('escapeHtml', () => {
  it('turns an <img onerror> payload into text', () => {
    expect(escapeHtml(`<img src=x onerror='alert(1)'>&`)).toBe('&lt;img src=x onerror=&#39;alert(1)&#39;&gt;&amp;');
  });

  it('leaves no markup character', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(escapeHtml(text)).not.toMatch(/[<>"']/);
      }),
    );
  });
});
