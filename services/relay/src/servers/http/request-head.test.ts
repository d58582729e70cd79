import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELDS_READ, parseRequestHead } from './request-head.js';

const head = (text: string): Buffer => Buffer.from(text, 'latin1');
const LIMIT = 8192;

describe('parseRequestHead (RFC 9112 §2-§3)', () => {
  it('reads a request line and the fields it reads, names in lower case, repeats joined, others skipped', () => {
    const text =
      'GET /hls/demo/master.m3u8?x=1 HTTP/1.1\r\nHost: relay\r\nUser-Agent:  VLC/3.0 \r\nAccept: */*\r\n' +
      'Access-Control-Request-Headers: a\r\naccess-control-request-headers: b\r\n\r\n';
    const parsed = parseRequestHead(head(`${text}GET`), LIMIT);
    expect(parsed).toMatchObject({ kind: 'request', length: text.length });
    if (parsed.kind !== 'request') return;
    expect(parsed.request).toMatchObject({ method: 'GET', target: '/hls/demo/master.m3u8?x=1', keepAlive: true });
    expect([...parsed.request.headers]).toEqual([
      ['host', 'relay'],
      ['user-agent', 'VLC/3.0'],
      ['access-control-request-headers', 'a, b'],
    ]);
  });

  it.each([
    ['HTTP/1.1 by default', 'GET / HTTP/1.1\r\nHost: h\r\n\r\n', true, false],
    ['HTTP/1.1 with close', 'GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n', false, false],
    ['HTTP/1.1 with close among others', 'GET / HTTP/1.1\r\nHost: h\r\nConnection: te, close\r\n\r\n', false, false],
    ['HTTP/1.0 by default', 'GET / HTTP/1.0\r\n\r\n', false, true],
    ['HTTP/1.0 with keep-alive', 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', true, true],
  ])('keeps the connection alive per RFC 9112 §9.3: %s', (_name, text, keepAlive, http10) => {
    expect(parseRequestHead(head(text), LIMIT)).toMatchObject({ kind: 'request', request: { keepAlive, http10 } });
  });

  it('ignores up to two empty lines before the request line (RFC 9112 §2.2)', () => {
    expect(parseRequestHead(head('\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n'), LIMIT)).toMatchObject({
      kind: 'request',
      length: 31,
    });
  });

  it.each([
    ['an unfinished head', 'GET / HTTP/1.1\r\nHost: h\r\n'],
    ['a request line only', 'GET / HTTP/1.1'],
    ['nothing', ''],
  ])('waits for the rest of %s', (_name, text) => {
    expect(parseRequestHead(head(text), LIMIT)).toEqual({ kind: 'incomplete' });
  });

  it.each([
    ['a missing target', 'GET HTTP/1.1\r\nHost: h\r\n\r\n', 400],
    ['an absolute-form target', 'GET http://evil/ HTTP/1.1\r\nHost: h\r\n\r\n', 400],
    ['a target with a space', 'GET /a b HTTP/1.1\r\nHost: h\r\n\r\n', 400],
    ['a target with a control character', 'GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n', 400],
    ['a lower-case version', 'GET / http/1.1\r\nHost: h\r\n\r\n', 400],
    ['HTTP/2 in clear', 'GET / HTTP/2.0\r\nHost: h\r\n\r\n', 505],
    ['a method with a slash', 'G/ET / HTTP/1.1\r\nHost: h\r\n\r\n', 400],
    ['no Host in HTTP/1.1', 'GET / HTTP/1.1\r\n\r\n', 400],
    ['two Host fields', 'GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n', 400],
    ['space before a colon', 'GET / HTTP/1.1\r\nHost : h\r\n\r\n', 400],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n', 400],
    ['a field without a colon', 'GET / HTTP/1.1\r\nHost\r\n\r\n', 400],
    ['a bare LF in a value', 'GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n', 400],
    ['a NUL in a value', 'GET / HTTP/1.1\r\nHost: h\0\r\n\r\n', 400],
    ['a body', 'GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello', 413],
    ['a malformed Content-Length', 'GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n', 400],
    ['chunked encoding', 'GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n', 501],
  ])('refuses %s with %i', (_name, text, status) => {
    expect(parseRequestHead(head(text), LIMIT)).toMatchObject({ kind: 'error', status });
  });

  it('accepts Content-Length: 0', () => {
    expect(parseRequestHead(head('GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n'), LIMIT).kind).toBe(
      'request',
    );
  });

  it('refuses a head over the limit with 431, whether or not it is complete', () => {
    const long = `GET / HTTP/1.1\r\nHost: h\r\nX: ${'a'.repeat(200)}\r\n`;
    expect(parseRequestHead(head(long), 100)).toMatchObject({ kind: 'error', status: 431 });
    expect(parseRequestHead(head(`${long}\r\n`), 100)).toMatchObject({ kind: 'error', status: 431 });
  });

  it('reads back every well-formed request it is given (fast-check)', () => {
    const chars = (from: string): fc.Arbitrary<string> =>
      fc.string({ unit: fc.constantFrom(...from), minLength: 1, maxLength: 20 });
    const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let visible = '';
    for (let c = 0x21; c <= 0x7e; c++) visible += String.fromCharCode(c);
    const value = fc
      .tuple(chars(visible), fc.string({ unit: fc.constantFrom(...visible, ' ', '\t', '\xe9'), maxLength: 20 }))
      .map(([a, b]) => `${a}${b}`.trim());
    const name = fc.oneof(chars(tchar), fc.constantFrom('User-Agent', 'CONNECTION', 'access-control-request-headers'));
    const fields = fc.uniqueArray(fc.tuple(name, value), {
      selector: ([name]) => name.toLowerCase(),
      maxLength: 8,
    });
    const request = fc
      .record({ method: chars(tchar), target: chars(visible).map((t) => `/${t}`), fields })
      .filter(({ fields: f }) => !f.some(([n]) => ['content-length', 'transfer-encoding'].includes(n.toLowerCase())));
    fc.assert(
      fc.property(request, ({ method, target, fields: f }) => {
        const all: Array<[string, string]> = [['Host', 'relay'], ...f.filter(([n]) => n.toLowerCase() !== 'host')];
        const text = `${method} ${target} HTTP/1.1\r\n${all.map(([n, v]) => `${n}:  ${v} \r\n`).join('')}\r\n`;
        const parsed = parseRequestHead(head(text), LIMIT);
        expect(parsed).toMatchObject({ kind: 'request', length: text.length, request: { method, target } });
        if (parsed.kind === 'request')
          expect([...parsed.request.headers]).toEqual(
            all
              .map(([n, v]) => [n.toLowerCase(), v])
              .filter(([n]) => (FIELDS_READ as readonly string[]).includes(n ?? '')),
          );
      }),
      { numRuns: 20_000 },
    );
  });

  it('never throws, and reads only what a head can hold, on 100,000 arbitrary inputs (fast-check)', () => {
    const bytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
    const crafted = fc
      .tuple(
        fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'G T', ''),
        fc.string({ maxLength: 40 }),
        fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1.1 x'),
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 30 })), { maxLength: 6 }),
      )
      .map(([m, t, v, hs]) => head(`${m} /${t} ${v}\r\n${hs.map(([n, x]) => `${n}: ${x}\r\n`).join('')}\r\n`));
    fc.assert(
      fc.property(fc.oneof(bytes, crafted), (buf) => {
        const parsed = parseRequestHead(buf, 256);
        if (parsed.kind === 'request') expect(parsed.length).toBeLessThanOrEqual(buf.length);
        return ['request', 'incomplete', 'error'].includes(parsed.kind);
      }),
      { numRuns: 100_000 },
    );
  });
});
