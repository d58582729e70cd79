import type { Socket } from 'node:net';
import { errorBody, type ErrorCode, type Logger } from '@onair/runtime';
import { parseRequestHead, type HttpRequest } from './request-head.js';
import { responseHead, type HttpAnswer } from './response-head.js';

/** Answers one request; a promise for a request that waits (a blocking playlist reload). Must not throw. */
export type HttpHandler = (request: HttpRequest, client: HttpClient) => HttpAnswer | Promise<HttpAnswer>;

/** Who sent a request: the connection, as a handler sees it. */
export interface HttpClient {
  /** The peer's address, e.g. "127.0.0.1". */
  readonly remoteAddress: string;
  /** One object per connection, to keep per-connection state in a WeakMap. */
  readonly connection: object;
}

/** Limits and timeouts of a connection. */
export interface ConnLimits {
  /** Largest request head, bytes; a longer one is answered 431 and the connection closed. */
  readonly maxHeadBytes: number;
  /** Requests a client may send ahead of their responses (pipelining); beyond it the socket stops being read. */
  readonly maxPipelined: number;
  /** Time to receive a whole request head once it began, ms (slowloris); then the connection is closed. */
  readonly headTimeoutMs: number;
  /** A connection without traffic this long, and no request held, is closed, ms. */
  readonly idleTimeoutMs: number;
  /** Response bytes the client may leave unread before the socket stops being read, bytes. */
  readonly maxUnsentBytes: number;
}

/** No bytes: what is buffered between requests, most of the time. */
const NOTHING = Buffer.alloc(0);

interface Pending {
  readonly request: HttpRequest;
  answer: HttpAnswer | undefined;
}

/**
 * One HTTP/1.1 connection of the relay's server (RFC 9112): reads request heads as they arrive, answers them in order
 * (a pipelined request waits for the ones before it, also while one of them is held), keeps the connection alive as
 * the client asks, and closes it on a malformed head (with the error status), a slow head, idleness, or a client
 * that does not read its responses.
 */
export class HttpConn {
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;
  private buffered: Buffer = NOTHING;
  private readonly queue: Pending[] = [];
  /** When the connection last read or wrote, ms since the epoch. */
  private lastActiveMs = Date.now();
  /** When the request head being read began to arrive, ms since the epoch; undefined between heads. */
  private headStartedMs: number | undefined;
  private ending = false;
  private draining = false;
  /** Requests whose answers are promised (held); the idle timeout is off while there are any. */
  private held = 0;
  private readonly client: HttpClient;

  constructor(
    private readonly socket: Socket,
    private readonly handler: HttpHandler,
    private readonly limits: ConnLimits,
    private readonly log: Logger,
  ) {
    this.client = { remoteAddress: socket.remoteAddress ?? '', connection: this };
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.lastActiveMs = Date.now();
      this.resume();
    });
    socket.on('error', (err) => this.log.debug({ err }, 'socket error'));
    socket.once('close', () => (this.ending = true));
  }

  /** Requests received and not yet answered. */
  get inFlight(): number {
    return this.queue.length;
  }

  /** Ends the connection after the responses in flight (the server is closing); at once when there are none. */
  drain(): void {
    this.draining = true;
    if (this.queue.length === 0) this.socket.end();
  }

  /** Drops the connection. */
  destroy(): void {
    this.socket.destroy();
  }

  /**
   * Closes the connection when a request head has been arriving for longer than the head timeout (slowloris), or
   * when it has neither read nor written for the idle timeout and holds no request. The server calls it for every
   * connection a few times per timeout: one timer for all of them, rather than one refreshed on every read and write.
   */
  expire(nowMs: number): void {
    if (this.headStartedMs !== undefined && nowMs - this.headStartedMs > this.limits.headTimeoutMs) {
      this.log.debug('request head too slow');
      this.socket.destroy();
    } else if (this.held === 0 && nowMs - this.lastActiveMs > this.limits.idleTimeoutMs) this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.ending) return;
    this.lastActiveMs = Date.now();
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const parsed = parseRequestHead(this.buffered, this.limits.maxHeadBytes);
      if (parsed.kind === 'incomplete') break;
      if (parsed.kind === 'error') {
        this.fail(parsed.status, parsed.message);
        return;
      }
      this.buffered = parsed.length === this.buffered.length ? NOTHING : this.buffered.subarray(parsed.length);
      this.accept(parsed.request);
      if (this.ending || !parsed.request.keepAlive) {
        this.ending = true;
        this.buffered = NOTHING;
        break;
      }
    }
    // Only a head that has begun and not ended is timed (slowloris); most arrive whole in one read.
    if (this.buffered.length === 0 || this.ending) this.headStartedMs = undefined;
    else this.headStartedMs ??= this.lastActiveMs;
    if (this.queue.length >= this.limits.maxPipelined) this.socket.pause();
  }

  private accept(request: HttpRequest): void {
    const pending: Pending = { request, answer: undefined };
    this.queue.push(pending);
    let result: HttpAnswer | Promise<HttpAnswer>;
    try {
      result = this.handler(request, this.client);
    } catch (err) {
      this.log.error({ err }, 'handler failed');
      result = internalError();
    }
    if (result instanceof Promise) {
      this.held++;
      const settle = (answer: HttpAnswer): void => {
        this.held--;
        this.answered(pending, answer);
      };
      result.then(settle, () => settle(internalError()));
    } else this.answered(pending, result);
  }

  private answered(pending: Pending, answer: HttpAnswer): void {
    pending.answer = answer;
    while (this.queue[0]?.answer) {
      const done = this.queue.shift() as Pending & { answer: HttpAnswer };
      this.write(done.request, done.answer);
    }
    if (this.queue.length === 0 && (this.draining || this.ending)) this.socket.end();
    this.resume();
  }

  private write({ method, keepAlive, http10 }: HttpRequest, answer: HttpAnswer): void {
    if (this.socket.destroyed) return;
    this.lastActiveMs = Date.now();
    const open = keepAlive && !this.draining;
    const head = responseHead(answer, open, http10);
    if (method === 'HEAD' || answer.body.length === 0) this.socket.write(head, 'latin1');
    else {
      // One writev for the head and the body, without copying the body.
      this.socket.cork();
      this.socket.write(head, 'latin1');
      this.socket.write(answer.body);
      this.socket.uncork();
    }
    if (!open) this.ending = true;
  }

  /** Reads again once the client has taken its responses and the pipeline has room. */
  private resume(): void {
    if (this.ending || this.socket.destroyed) return;
    if (this.socket.writableLength > this.limits.maxUnsentBytes) {
      this.socket.pause();
      return;
    }
    if (this.queue.length < this.limits.maxPipelined && this.socket.isPaused()) this.socket.resume();
  }

  /** Answers a malformed head with its status and closes, after the responses before it. */
  private fail(status: number, message: string): void {
    this.log.debug({ status, message }, 'bad request head');
    this.ending = true;
    this.buffered = NOTHING;
    const code: ErrorCode = status === 413 || status === 431 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_ARGUMENT';
    const body = Buffer.from(JSON.stringify(errorBody(code, message)));
    const pending: Pending = {
      request: { method: 'GET', target: '/', headers: new Map(), keepAlive: false, http10: false },
      answer: undefined,
    };
    this.queue.push(pending);
    this.answered(pending, {
      status,
      headers: [
        ['content-type', 'application/json; charset=utf-8'],
        ['cache-control', 'no-store'],
        ['access-control-allow-origin', '*'],
      ],
      body,
    });
  }
}

function internalError(): HttpAnswer {
  return {
    status: 500,
    headers: [
      ['content-type', 'application/json; charset=utf-8'],
      ['cache-control', 'no-store'],
    ],
    body: Buffer.from(JSON.stringify(errorBody('INTERNAL', 'internal error'))),
  };
}
