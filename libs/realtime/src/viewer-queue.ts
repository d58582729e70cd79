import type { Socket } from 'node:net';
import type { FrameBatch } from './room-batch.js';

/** Bounds of a {@link ViewerQueue}. */
export interface ViewerQueueLimits {
  /** Room frames wait in the queue while the socket holds more than this unsent, bytes. */
  readonly highWaterBytes: number;
  /** The queue holds at most this many bytes of frames; past it the oldest are dropped. */
  readonly maxQueuedBytes: number;
  /** A viewer whose queue has not emptied for this long is given up ({@link ViewerQueue.push} says so), ms. */
  readonly maxBehindMs: number;
}

/** What a {@link ViewerQueue.push} did: frames written now, frames it dropped, and whether the viewer is given up. */
export interface PushOutcome {
  /** Room frames (batch items) written to the socket by this push. */
  readonly written: number;
  /** Room frames dropped from the queue to make room. */
  readonly dropped: number;
  /** True when the queue has not emptied for maxBehindMs: close the viewer. */
  readonly stuck: boolean;
}

/**
 * Below this many bytes unsent a socket takes room frames at once: `limits.highWaterBytes`, or the socket's own
 * high-water mark when that is larger, so that a socket held back is sure to emit 'drain'.
 */
function highWaterOf(socket: Socket, limits: ViewerQueueLimits): number {
  return Math.max(limits.highWaterBytes, socket.writableHighWaterMark);
}

/**
 * Writes `batch`'s wire bytes to `socket` at once when it keeps up, as {@link ViewerQueue.push} does with nothing
 * waiting: lets a viewer do without a queue until its socket first falls behind. True when written.
 */
export function writeIfKeepingUp(socket: Socket, batch: FrameBatch, limits: ViewerQueueLimits): boolean {
  if (socket.writableLength >= highWaterOf(socket, limits)) return false;
  socket.write(batch.wire);
  return true;
}

/**
 * The room frames on their way to one viewer's socket. A batch goes straight to the socket (its wire bytes, shared by
 * every viewer of the room, written at once: a viewer gets one per window, so there is nothing to cork together; a
 * socket corked for other frames keeps it behind them) while the socket keeps up; while it holds more than
 * `highWaterBytes` unsent, batches wait here, and past `maxQueuedBytes` the oldest waiting are dropped first (a viewer
 * that fell behind skips ahead rather than falling further behind; seqs show it the gap). When the socket drains,
 * what waits is written. A viewer whose queue stays non-empty for `maxBehindMs` is stuck.
 */
export class ViewerQueue {
  private waiting: FrameBatch[] = [];
  private waitingBytes = 0;
  private behindSinceMs: number | undefined;
  private drainHooked = false;
  private readonly highWaterBytes: number;

  /** @param onWritten told, after a drain, how many room frames (items) the WebSocket frames (batches) it wrote held. */
  constructor(
    private readonly socket: Socket,
    private readonly limits: ViewerQueueLimits,
    private readonly onWritten: (items: number, batches: number) => void,
  ) {
    this.highWaterBytes = highWaterOf(socket, limits);
  }

  /** Room frames waiting. */
  get queued(): number {
    return this.waiting.reduce((n, batch) => n + batch.items.length, 0);
  }

  /** Writes `batch` now, or queues it behind what waits. */
  push(batch: FrameBatch, nowMs = Date.now()): PushOutcome {
    if (this.waiting.length === 0 && writeIfKeepingUp(this.socket, batch, this.limits))
      return { written: batch.items.length, dropped: 0, stuck: false };
    this.waiting.push(batch);
    this.waitingBytes += batch.wire.length;
    let dropped = 0;
    while (this.waitingBytes > this.limits.maxQueuedBytes && this.waiting.length > 1) {
      const oldest = this.waiting.shift()!;
      this.waitingBytes -= oldest.wire.length;
      dropped += oldest.items.length;
    }
    this.behindSinceMs ??= nowMs;
    if (!this.drainHooked) {
      this.drainHooked = true;
      this.socket.once('drain', () => this.onDrain());
    }
    return { written: 0, dropped, stuck: nowMs - this.behindSinceMs >= this.limits.maxBehindMs };
  }

  /** Drops what waits (the viewer is closing). */
  clear(): void {
    this.waiting = [];
    this.waitingBytes = 0;
  }

  private onDrain(): void {
    this.drainHooked = false;
    if (this.socket.destroyed) return;
    let items = 0;
    let batches = 0;
    while (this.waiting.length > 0 && this.socket.writableLength < this.highWaterBytes) {
      const batch = this.waiting.shift()!;
      this.waitingBytes -= batch.wire.length;
      this.socket.write(batch.wire);
      items += batch.items.length;
      batches++;
    }
    if (batches > 0) this.onWritten(items, batches);
    if (this.waiting.length === 0) this.behindSinceMs = undefined;
    else {
      this.drainHooked = true;
      this.socket.once('drain', () => this.onDrain());
    }
  }
}
