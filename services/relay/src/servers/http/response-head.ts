import { STATUS_CODES } from 'node:http';

/** A response as a handler gives it to the relay's HTTP/1.1 server. */
export interface HttpAnswer {
  readonly status: number;
  /** Header fields as name, value pairs; Date, Content-Length and Connection are the server's. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

let dateSecond = -1;
let dateText = '';

/** The Date field value (RFC 9110 §6.6.1, IMF-fixdate), formatted once per second. */
export function httpDate(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/**
 * The head of a response (RFC 9112 §4, §6): the status line, Date, the answer's fields, Content-Length (the body's
 * length, also for HEAD, which sends no body), and `Connection: close` when the connection ends after it
 * (`Connection: keep-alive` when an HTTP/1.0 one stays open, RFC 9112 §9.3). Header names and values must hold no CR
 * or LF: they are the handler's own, or request field values, which the request parser refuses with either.
 */
export function responseHead(answer: HttpAnswer, keepAlive: boolean, http10 = false): string {
  let head = `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\ndate: ${httpDate()}\r\n`;
  for (const [name, value] of answer.headers) head += `${name}: ${value}\r\n`;
  head += `content-length: ${answer.body.length}\r\n`;
  if (!keepAlive) head += 'connection: close\r\n';
  else if (http10) head += 'connection: keep-alive\r\n';
  return `${head}\r\n`;
}
