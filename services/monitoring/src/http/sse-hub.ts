import type { ServerResponse } from 'node:http';
import type { Logger } from '@onair/runtime';
import { formatSseComment } from './sse.js';

/** Options of {@link createSseHub}. */
export interface SseHubOptions {
  log: Logger;
  /** Concurrent clients at most; {@link SseHub.full} says when one more would pass it. */
  maxClients: number;
  /** Bytes a client may have waiting in its socket's send buffer; past it the client is dropped. */
  maxBufferBytes: number;
  /** Interval of the heartbeat comment sent to every client, ms. */
  heartbeatMs: number;
}

/** The open Server-Sent Events streams of one endpoint. */
export interface SseHub {
  /** True when {@link SseHubOptions.maxClients} streams are open. */
  readonly full: boolean;
  /** How many streams are open. */
  readonly size: number;
  /**
   * Starts a `text/event-stream` answer on `res` (200, never cached), writes `first` (e.g. the retry time and a
   * snapshot) and keeps the stream until the client goes, is dropped, or the hub closes.
   */
  open(res: ServerResponse, first: string): void;
  /** Writes `chunk` (one or more framed events) to every stream; a stream whose backlog passes the bound is dropped. */
  broadcast(chunk: string): void;
  /** Ends every stream, closing its socket, and stops the heartbeat; later `open` calls end their stream at once. */
  close(): void;
}

/**
 * Creates an {@link SseHub} (WHATWG HTML §9.2). Buffering is bounded per client: what a client has not read stays in
 * its socket's writable buffer, and a client whose buffer passes `maxBufferBytes` is dropped (its socket destroyed;
 * the browser reconnects and gets a fresh snapshot) rather than buffered without limit.
 */
export function createSseHub({ log, maxClients, maxBufferBytes, heartbeatMs }: SseHubOptions): SseHub {
  const hubLog = log.child({ component: 'sse' });
  const clients = new Set<ServerResponse>();
  let closed = false;

  const drop = (res: ServerResponse, reason: string): void => {
    if (!clients.delete(res)) return;
    hubLog.info({ reason, clients: clients.size }, 'client closed');
  };
  const write = (res: ServerResponse, chunk: string): void => {
    res.write(chunk);
    if (res.writableLength > maxBufferBytes) {
      hubLog.warn({ bufferedBytes: res.writableLength, maxBufferBytes }, 'slow client dropped');
      drop(res, 'slow');
      res.destroy();
    }
  };
  const heartbeat = setInterval(() => {
    for (const res of clients) write(res, formatSseComment('heartbeat'));
  }, heartbeatMs);
  heartbeat.unref();

  return {
    get full() {
      return clients.size >= maxClients;
    },
    get size() {
      return clients.size;
    },
    open(res, first) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      });
      if (closed) {
        res.end();
        return;
      }
      clients.add(res);
      // A response that closed early (the client went) may leave its socket open; nothing more is sent on it.
      const { socket } = res;
      res.on('close', () => {
        drop(res, 'client gone');
        socket?.destroy();
      });
      hubLog.info({ clients: clients.size }, 'client opened');
      write(res, first);
    },
    broadcast(chunk) {
      for (const res of clients) write(res, chunk);
    },
    close() {
      closed = true;
      clearInterval(heartbeat);
      hubLog.info({ clients: clients.size }, 'closing');
      for (const res of clients) {
        res.end();
        res.socket?.destroy();
      }
      clients.clear();
      hubLog.info('closed');
    },
  };
}
