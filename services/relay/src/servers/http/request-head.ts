/** A request as the relay's HTTP/1.1 server reads it: its head; the server accepts no request body. */
export interface HttpRequest {
  /** The method token, e.g. "GET". */
  readonly method: string;
  /** The request-target in origin form: path and query, e.g. "/hls/demo/source/index.m3u8?_HLS_msn=4". */
  readonly target: string;
  /**
   * The header fields the server and the relay read ({@link FIELDS_READ}) by lower-case name, a repeated field's
   * values joined with ", " (RFC 9110 §5.3). Every other field is checked, then skipped unread.
   */
  readonly headers: ReadonlyMap<string, string>;
  /** Whether the connection stays open after the response (RFC 9112 §9.3). */
  readonly keepAlive: boolean;
  /** HTTP/1.0: a kept-alive connection is then confirmed with `Connection: keep-alive`. */
  readonly http10: boolean;
}

/** What {@link parseRequestHead} found at the start of a buffer. */
export type HeadParse =
  | { readonly kind: 'request'; readonly request: HttpRequest; readonly length: number }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'error'; readonly status: 400 | 413 | 431 | 501 | 505; readonly message: string };

/** Byte classes (a bit each), looked up once per byte of a head. */
const TOKEN = 1; // RFC 9110 §5.6.2 tchar
const TARGET = 2; // RFC 9112 §3.2.1 origin-form after the "/": visible ASCII
const VALUE = 4; // RFC 9110 §5.5 field-vchar, obs-text, SP and HTAB; never CR, LF or NUL
const CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const alnum = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
  const token = alnum || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(b));
  const visible = b >= 0x21 && b <= 0x7e;
  CLASS[b] =
    (token ? TOKEN : 0) | (visible ? TARGET : 0) | (visible || b === 0x20 || b === 0x09 || b >= 0x80 ? VALUE : 0);
}
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
/** The header fields a request is read for: the server's own, then what the relay's routes read. */
export const FIELDS_READ = [
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'user-agent',
  'access-control-request-headers',
] as const;
/** {@link FIELDS_READ} by name length, with their bytes, to match a name in place without making a string of it. */
const FIELDS_BY_LENGTH: Array<Array<readonly [string, Buffer]>> = [];
for (const name of FIELDS_READ) (FIELDS_BY_LENGTH[name.length] ??= []).push([name, Buffer.from(name)]);

/** The field of FIELDS_READ named by buf[start, end), in any case (RFC 9110 §5.1), or undefined. */
function fieldRead(buf: Buffer, start: number, end: number): string | undefined {
  const candidates = FIELDS_BY_LENGTH[end - start];
  if (!candidates) return undefined;
  for (const [name, bytes] of candidates) {
    let i = 0;
    // A token byte OR 0x20 is its lower case for letters and leaves "-" as it is; no other token byte becomes one.
    while (i < bytes.length && ((buf[start + i] as number) | 0x20) === bytes[i]) i++;
    if (i === bytes.length) return name;
  }
  return undefined;
}

/** The methods a player sends, as constants, so that reading one makes no string. */
const METHODS = ['GET', 'HEAD', 'OPTIONS'].map((m) => [m, Buffer.from(m)] as const);

function knownMethod(buf: Buffer, start: number, end: number): string | undefined {
  for (const [method, bytes] of METHODS)
    if (bytes.length === end - start && buf.compare(bytes, 0, bytes.length, start, end) === 0) return method;
  return undefined;
}

/** Where the empty line that ends a head begins (its CR LF CR LF), or -1 when it has not arrived. */
function endOfHead(buf: Buffer, start: number): number {
  for (let i = start + 3; i < buf.length; i++) {
    if (buf[i] === LF) {
      if (buf[i - 1] === CR && buf[i - 2] === LF && buf[i - 3] === CR) return i - 3;
    } else if (buf[i] !== CR) i++;
  }
  return -1;
}

const VERSION_PREFIX = Buffer.from('HTTP/');
/** Empty lines a client may send before a request line, which a server should ignore (RFC 9112 §2.2). */
const MAX_LEADING_EMPTY_LINES = 2;

function error(status: 400 | 413 | 431 | 501 | 505, message: string): HeadParse {
  return { kind: 'error', status, message };
}

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/**
 * Parses the request head at the start of `buf` (RFC 9112 §2-§3, §5): the request line, the header fields, and the
 * empty line after them, in one pass over the bytes. Strict, since any client on the internet may send it: an
 * origin-form target only, no obs-fold, no whitespace before a colon, no bare CR or LF, a Host field in HTTP/1.1, and
 * no body (a Transfer-Encoding, or a Content-Length above 0, is refused: the relay serves GET, HEAD and OPTIONS only).
 * @param maxHeadBytes a head longer than this is refused with 431.
 * @returns the request and the head's length in bytes; "incomplete" while the empty line has not arrived; or the
 * status and message to close the connection with (400, 413 a body, 431 too long, 501 Transfer-Encoding, 505 a
 * version other than HTTP/1.x).
 */
export function parseRequestHead(buf: Buffer, maxHeadBytes: number): HeadParse {
  let start = 0;
  for (let n = 0; n < MAX_LEADING_EMPTY_LINES && buf[start] === CR && buf[start + 1] === LF; n++) start += 2;
  const end = endOfHead(buf, start);
  if (end < 0) return buf.length - start > maxHeadBytes ? error(431, 'request head too long') : { kind: 'incomplete' };
  if (end - start > maxHeadBytes) return error(431, 'request head too long');
  let i = start;
  while (i < end && (CLASS[buf[i] as number] as number) & TOKEN) i++;
  if (i === start || buf[i] !== SP) return error(400, 'malformed method');
  const method = knownMethod(buf, start, i) ?? buf.toString('latin1', start, i);
  const targetStart = ++i;
  while (i < end && (CLASS[buf[i] as number] as number) & TARGET) i++;
  if (buf[i] !== SP) return error(400, 'malformed request target');
  const target = buf.toString('latin1', targetStart, i++);
  const major = buf[i + 5];
  const minor = buf[i + 7];
  if (end - i < 8 || buf.compare(VERSION_PREFIX, 0, 5, i, i + 5) !== 0 || !isDigit(major) || buf[i + 6] !== 0x2e)
    return error(400, 'malformed HTTP version');
  if (!isDigit(minor)) return error(400, 'malformed HTTP version');
  i += 8;
  if (i !== end && (buf[i] !== CR || buf[i + 1] !== LF)) return error(400, 'malformed request line');
  if (major !== 0x31) return error(505, 'only HTTP/1.0 and HTTP/1.1 are served here');
  if (buf[targetStart] !== 0x2f) return error(400, 'malformed request target');
  const headers = new Map<string, string>();
  for (i += 2; i < end; i += 2) {
    const nameStart = i;
    while (i < end && (CLASS[buf[i] as number] as number) & TOKEN) i++;
    if (i === nameStart || buf[i] !== 0x3a) return error(400, 'malformed header field name');
    const name = fieldRead(buf, nameStart, i++);
    while (buf[i] === SP || buf[i] === HTAB) i++;
    const valueStart = i;
    while (i < end && (CLASS[buf[i] as number] as number) & VALUE) i++;
    if (i !== end && (buf[i] !== CR || buf[i + 1] !== LF)) return error(400, 'malformed header field value');
    let valueEnd = i;
    while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--;
    if (name === undefined) continue;
    const value = buf.toString('latin1', valueStart, valueEnd);
    const seen = headers.get(name);
    if (seen !== undefined && name === 'host') return error(400, 'more than one Host field');
    headers.set(name, seen === undefined ? value : `${seen}, ${value}`);
  }
  const http11 = minor !== 0x30;
  if (http11 && !headers.has('host')) return error(400, 'HTTP/1.1 requests need a Host header');
  if (headers.has('transfer-encoding')) return error(501, 'request bodies are not accepted');
  const contentLength = headers.get('content-length');
  if (contentLength !== undefined && !/^0+$/.test(contentLength)) {
    return /^\d+$/.test(contentLength)
      ? error(413, 'request bodies are not accepted')
      : error(400, 'malformed Content-Length');
  }
  const connection = (headers.get('connection') ?? '').toLowerCase();
  const keepAlive = http11 ? !/(^|,)\s*close\s*(,|$)/.test(connection) : /(^|,)\s*keep-alive\s*(,|$)/.test(connection);
  return { kind: 'request', request: { method, target, headers, keepAlive, http10: !http11 }, length: end + 4 };
}
