import { WebSocket } from 'ws';

/** A frame a realtime server sent, parsed. */
export interface ServerFrame {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** How a {@link FrameClient}'s socket closed (RFC 6455 §7.1.5, §7.1.6). */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** The endpoint URL of a room on a realtime server at 127.0.0.1:`port`. */
export function roomUrl(port: number, room: string): string {
  return `ws://127.0.0.1:${port}/ws?${new URLSearchParams({ room }).toString()}`;
}

/** One WebSocket frame as it arrived: when, whether it was a batch, and the frames it held (a batch's items). */
export interface Arrival {
  /** Wall clock at receipt, ms. */
  readonly atMs: number;
  readonly batch: boolean;
  readonly frames: readonly ServerFrame[];
}

/** What a client says in its hello: a viewer token to post with, the last seq it saw. */
export interface HelloFields {
  readonly token?: string;
  readonly since?: number;
}

/** Thrown by {@link FrameClient.connect} when the server answers the upgrade with an HTTP error. */
export class UpgradeRefusedError extends Error {
  override readonly name = 'UpgradeRefusedError';
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}

/**
 * A WebSocket client of the realtime JSON protocol for tests and tools: keeps every received frame in
 * order (the items of a batch frame as frames of their own) and hands them out with bounded waits.
 */
export class FrameClient {
  /** Resolves when the socket has closed. */
  readonly closed: Promise<CloseInfo>;
  private readonly frames: ServerFrame[] = [];
  /** Batch frames received (`{"type":"batch","items":[…]}`); their items are kept as frames of their own, in order. */
  batches = 0;
  /** The room_state frame that followed the welcome ({@link FrameClient.join}); undefined before. */
  roomState: ServerFrame | undefined;
  private waiter: (() => void) | undefined;
  private readonly arrivalListeners: Array<(arrival: Arrival) => void> = [];

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
    );
    ws.on('error', () => undefined);
    ws.on('message', (data: Buffer) => {
      const atMs = Date.now();
      const frame = JSON.parse(data.toString('utf8')) as ServerFrame;
      const batch = frame.type === 'batch';
      const frames = batch ? (frame.items as ServerFrame[]) : [frame];
      if (batch) this.batches++;
      this.frames.push(...frames);
      for (const listener of this.arrivalListeners) listener({ atMs, batch, frames });
      this.waiter?.();
    });
  }

  /**
   * Opens `url` (e.g. "ws://127.0.0.1:8081/ws?room=demo").
   * @throws UpgradeRefusedError when the server refuses the upgrade; Error when it cannot connect within `timeoutMs`.
   */
  static connect(url: string, timeoutMs = 5000): Promise<FrameClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
      const client = new FrameClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        reject(new UpgradeRefusedError(res.statusCode ?? 0));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  /**
   * Opens `url` like {@link FrameClient.connect}, says hello with `hello` and waits for the welcome (after any join
   * frames, which are dropped) and the room_state that follows it (kept as {@link roomState}).
   */
  static async join(url: string, hello: HelloFields = {}, timeoutMs = 5000): Promise<FrameClient> {
    const client = await FrameClient.connect(url, timeoutMs);
    client.send({ type: 'hello', ...hello });
    await client.next('welcome', timeoutMs);
    client.roomState = await client.next('room_state', timeoutMs);
    return client;
  }

  /** Sends a JSON frame (an object), or a raw text or binary frame. */
  send(frame: object | string | Buffer): void {
    if (Buffer.isBuffer(frame)) this.ws.send(frame, { binary: true });
    else this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /**
   * The next frame not yet handed out that matches: of type `match`, or for which `match` is true
   * (when absent, any frame but `presence`, which the server pushes on its own interval). Frames before it that
   * do not match are dropped.
   * @throws Error when none arrives within `timeoutMs`.
   */
  async next(match?: string | ((frame: ServerFrame) => boolean), timeoutMs = 5000): Promise<ServerFrame> {
    const matches =
      typeof match === 'function'
        ? match
        : (frame: ServerFrame) => (match === undefined ? frame.type !== 'presence' : frame.type === match);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.shift();
      if (frame && matches(frame)) return frame;
      if (frame) continue;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Frames received and not yet handed out. */
  pending(): readonly ServerFrame[] {
    return this.frames;
  }

  /** Calls `listener` with every WebSocket frame received from now on, as it arrives. */
  onArrival(listener: (arrival: Arrival) => void): void {
    this.arrivalListeners.push(listener);
  }

  /**
   * Stops reading the socket, as a client that cannot keep up: the TCP receive buffer fills, then the server's send
   * buffer. Frames already read may still arrive.
   */
  pauseReading(): void {
    this.ws.pause();
  }

  /** Reads the socket again after {@link pauseReading}. */
  resumeReading(): void {
    this.ws.resume();
  }

  /** Drops the connection without a closing handshake. */
  terminate(): void {
    this.ws.terminate();
  }

  /** Closes normally (1000) and waits for the close. */
  async close(): Promise<CloseInfo> {
    this.ws.close(1000);
    return this.closed;
  }
}
