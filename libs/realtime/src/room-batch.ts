import { PROTOCOL_VERSION } from './frames.js';

/**
 * Frames of one room that reached this instance inside one batch window, sent to each viewer as one WebSocket frame
 * `{"v":1,"type":"batch","items":[…]}`: the items are the frames themselves, unchanged and in order.
 */
export class FrameBatch {
  private text: string | undefined;

  /** @param items the frames (JSON texts), in the order the bus delivered them; at least two. */
  constructor(readonly items: readonly string[]) {}

  /** The batch frame's JSON text, built on first use so that every viewer of the room gets the same string. */
  get frame(): string {
    this.text ??= `{"v":${PROTOCOL_VERSION},"type":"batch","items":[${this.items.join(',')}]}`;
    return this.text;
  }
}

/**
 * Gathers one room's frames into windows of `windowMs`, as goim and Centrifugo batch per room: a frame that comes
 * after a quiet window goes out at once and opens a window; the frames that come while it is open go out together
 * when it ends (one on its own, two or more as a {@link FrameBatch}), and a window that ends with frames opens the
 * next. A viewer of a busy room so gets one frame per window whatever the message rate, and one of a quiet room
 * gets each frame without delay. Order is kept. With `windowMs` 0 every frame goes out at once, on its own.
 */
export class RoomBatcher {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param windowMs length of a window, ms (0: no batching).
   * @param flush sends a single frame (a string) or a batch to the room's viewers; must not throw.
   */
  constructor(
    private readonly windowMs: number,
    private readonly flush: (frames: string | FrameBatch) => void,
  ) {}

  /** Takes the room's next frame. */
  add(frame: string): void {
    if (this.timer !== undefined) {
      this.pending.push(frame);
      return;
    }
    if (this.windowMs > 0) this.openWindow();
    this.flush(frame);
  }

  /** Drops the frames still waiting and stops the window (the room has no viewers left here). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }

  private openWindow(): void {
    this.timer = setTimeout(() => this.endWindow(), this.windowMs);
  }

  private endWindow(): void {
    const frames = this.pending;
    if (frames.length === 0) {
      this.timer = undefined;
      return;
    }
    this.pending = [];
    this.openWindow();
    this.flush(frames.length === 1 ? frames[0]! : new FrameBatch(frames));
  }
}

/** The frames a delivery carries: a single frame, or the items of a batch. */
export function framesOf(delivery: string | FrameBatch): readonly string[] {
  return typeof delivery === 'string' ? [delivery] : delivery.items;
}
