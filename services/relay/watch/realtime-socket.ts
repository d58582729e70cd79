import type { ServerFrame } from './frames.js';

/** Reconnect delays, ms: doubled from the first up to the last after each failed attempt. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;
/** Close codes (docs/errors.md): the token expired; the client flooded or sent a frame too big (no quick retry). */
const TOKEN_EXPIRED = 4001;
const NO_QUICK_RECONNECT: ReadonlySet<number> = new Set([1008, 1009]);

/** Options of {@link RealtimeSocket}. */
export interface RealtimeSocketOptions {
  /** The service's public HTTP origin (http → ws, https → wss). */
  readonly baseUrl: string;
  readonly room: string;
  /** Each server frame, a `batch`'s items one by one. */
  readonly onFrame: (frame: ServerFrame) => void;
  /** Open or not, for the page's status line. */
  readonly onState: (open: boolean) => void;
  /** The server closed because the token expired: the socket reconnects as a reader until the next sign-in. */
  readonly onExpired: () => void;
}

/**
 * A socket to danmaku or chat (`/ws?room=`, libs/realtime): sends `hello` first, with the viewer token when there is
 * one (in the frame, never in the URL), and again whenever the token changes; reconnects after a close with
 * exponential backoff (0.5 s → 10 s; 10 s at once after a flood or an oversized frame), without the token when the
 * server closed because it expired (4001).
 */
export class RealtimeSocket {
  private ws: WebSocket | undefined;
  private token: string | undefined;
  private retryMs = RETRY_FIRST_MS;

  constructor(private readonly options: RealtimeSocketOptions) {}

  /** Opens the socket (and keeps it open). */
  connect(): void {
    const url = new URL('/ws', this.options.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('room', this.options.room);
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.addEventListener('open', () => {
      this.retryMs = RETRY_FIRST_MS;
      this.hello();
      this.options.onState(true);
    });
    ws.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      const frame = JSON.parse(event.data) as ServerFrame;
      if (frame.type === 'batch') for (const item of frame.items) this.options.onFrame(item);
      else this.options.onFrame(frame);
    });
    ws.addEventListener('close', (event) => {
      this.options.onState(false);
      if (event.code === TOKEN_EXPIRED && this.token !== undefined) {
        this.token = undefined;
        this.options.onExpired();
      }
      setTimeout(() => this.connect(), NO_QUICK_RECONNECT.has(event.code) ? RETRY_MAX_MS : this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    });
  }

  /** Posts as the holder of `token` from now on (a `hello` with it; again after every reconnect). */
  signIn(token: string): void {
    this.token = token;
    this.hello();
  }

  /**
   * Sends a client frame.
   * @returns false when the socket is not open (the frame is not queued).
   */
  send(frame: Record<string, unknown>): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private hello(): void {
    this.send(this.token ? { v: 1, type: 'hello', token: this.token } : { v: 1, type: 'hello' });
  }
}
