import WebSocket from 'ws';

/** One reconnect of a {@link ResilientSocket}: when its socket closed and when the new one had recovered, epoch ms. */
export interface Reconnect {
  readonly closedAtMs: number;
  /** When the `recovered` frame (or, without `since`, the welcome) arrived on the new socket. */
  readonly recoveredAtMs: number;
  /** The `recovered` frame's `complete`; undefined when there was nothing to recover from (no seq seen yet). */
  readonly complete: boolean | undefined;
}

/** Options of {@link openResilientSocket}. */
export interface ResilientSocketOptions {
  /** WebSocket URL, e.g. `ws://127.0.0.1:8082/ws?room=demo`. */
  readonly url: string;
  /** Token for the hello; none: reading only. */
  readonly token?: string;
  /** Replica to be sent to while it is up: HAProxy's ONAIR_REPLICA persistence cookie (deploy/compose/haproxy.cfg). */
  readonly replica?: string;
  /** Message frame types to keep, e.g. `['message']` for chat. */
  readonly kinds: readonly string[];
  /** Pause between connection attempts after a close, ms. @default 250 */
  readonly retryMs?: number;
}

/**
 * A realtime client that stays connected: when its socket closes it connects again (every `retryMs` until one
 * opens) and says hello with `since` = the greatest `seq` it saw, so the server sends what it missed
 * (libs/realtime README, "Recovery: every frame has a seq").
 */
export interface ResilientSocket {
  /** Every kept message frame in arrival order (a batch's items one by one). */
  readonly messages: Array<Record<string, unknown>>;
  /** Error frames received. */
  readonly errors: Array<Record<string, unknown>>;
  /** Reconnects so far, oldest first. */
  readonly reconnects: Reconnect[];
  /** Whether the current socket has been welcomed (a post sent now is read). */
  ready(): boolean;
  /** Sends a frame on the current socket; false when none is open. */
  send(frame: Record<string, unknown>): boolean;
  /** Closes the socket for good. */
  close(): void;
}

/** Opens a {@link ResilientSocket}; resolves once its first socket is welcomed. @throws Error after 15 s. */
export async function openResilientSocket(options: ResilientSocketOptions): Promise<ResilientSocket> {
  const { url, token, replica, kinds, retryMs = 250 } = options;
  const messages: Array<Record<string, unknown>> = [];
  const errors: Array<Record<string, unknown>> = [];
  const reconnects: Reconnect[] = [];
  let lastSeq: number | undefined;
  let ws: WebSocket | undefined;
  let welcomed = false;
  let closed = false;
  let closedAtMs: number | undefined;
  let resolveFirst: (() => void) | undefined;

  const recovered = (complete: boolean | undefined): void => {
    if (closedAtMs === undefined) return;
    reconnects.push({ closedAtMs, recoveredAtMs: Date.now(), complete });
    closedAtMs = undefined;
  };

  const onFrame = (frame: Record<string, unknown>, hadSince: boolean): void => {
    if (typeof frame.seq === 'number') lastSeq = Math.max(lastSeq ?? 0, frame.seq);
    if (kinds.includes(frame.type as string)) messages.push(frame);
    else if (frame.type === 'error') errors.push(frame);
    else if (frame.type === 'recovered') recovered(frame.complete as boolean);
    else if (frame.type === 'welcome') {
      welcomed = true;
      if (!hadSince) recovered(undefined);
      resolveFirst?.();
    }
  };

  const connect = (): void => {
    if (closed) return;
    const since = lastSeq;
    const socket = new WebSocket(url, { headers: replica ? { cookie: `ONAIR_REPLICA=${replica}` } : {} });
    ws = socket;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', token, since })));
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      const frames = frame.type === 'batch' ? (frame.items as Array<Record<string, unknown>>) : [frame];
      for (const f of frames) onFrame(f, since !== undefined);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (ws !== socket || closed) return;
      welcomed = false;
      closedAtMs ??= Date.now();
      setTimeout(connect, retryMs);
    });
  };

  const first = new Promise<void>((resolve, reject) => {
    resolveFirst = resolve;
    setTimeout(() => reject(new Error(`no welcome from ${url} within 15 s`)), 15_000).unref();
  });
  connect();
  await first;
  return {
    messages,
    errors,
    reconnects,
    ready: () => welcomed,
    send: (frame) => {
      if (!welcomed || ws?.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
    close: () => {
      closed = true;
      ws?.close();
    },
  };
}
