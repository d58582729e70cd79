import { PROTOCOL_VERSION } from './frames.js';
import { wireFrame } from './frame-writes.js';

/**
 * Frames of one room that reached this instance inside one batch window, sent to each viewer as one WebSocket frame:
 * a single frame as it is, two or more as `{"v":1,"type":"batch","items":[…]}` whose items are the frames
 * themselves, unchanged and in order. Text and wire bytes are built once, on first use, for all the room's viewers.
 */
export class FrameBatch {
  private text: string | undefined;
  private bytes: Buffer | undefined;

  /**
   * @param items the frames (JSON texts), in the order the bus delivered them; at least one.
   * @param setAside messages of the window sampled away, by sender's user id: each goes to its sender's own sockets
   *   only, after the batch.
   */
  constructor(
    readonly items: readonly string[],
    readonly setAside?: ReadonlyMap<string, readonly string[]>,
  ) {}

  /** The frame's JSON text. */
  get frame(): string {
    this.text ??=
      this.items.length === 1
        ? this.items[0]!
        : `{"v":${PROTOCOL_VERSION},"type":"batch","items":[${this.items.join(',')}]}`;
    return this.text;
  }

  /** The whole WebSocket frame as written to a socket ({@link wireFrame}). */
  get wire(): Buffer {
    this.bytes ??= wireFrame(this.frame);
    return this.bytes;
  }
}

/** What a {@link WindowFilter} makes of a window: the frames for every viewer, in order, and those set aside. */
export interface FilteredWindow {
  readonly frames: string[];
  /** Messages kept from the room but not from their sender (see FrameBatch), by user id. */
  readonly setAside?: ReadonlyMap<string, readonly string[]>;
}

/** Rewrites a window's frames before they go out (overloadFilter: merge, sampling). One per room. */
export type WindowFilter = (frames: string[]) => FilteredWindow;

/**
 * Gathers one room's frames into windows of `windowMs`, as goim and Centrifugo batch per room: a frame that comes
 * after a quiet window goes out at once and opens a window; the frames that come while it is open go out together
 * when it ends (through `filter`), and a window that ends with frames opens the next. A viewer of a busy room so gets
 * one frame per window whatever the message rate, and one of a quiet room gets each frame without delay. Order is
 * kept. With `windowMs` 0 every frame goes out at once, on its own.
 */
export class RoomBatcher {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param windowMs length of a window, ms (0: no batching).
   * @param flush sends a batch to the room's viewers; must not throw.
   * @param filter applied to the frames of each window that ends with two or more.
   * @param firstWindowMs length of the window a frame after a quiet spell opens, ms (the next ones last `windowMs`):
   *   batchers of one room with different first windows keep their windows out of step while the room stays busy.
   */
  constructor(
    private readonly windowMs: number,
    private readonly flush: (batch: FrameBatch) => void,
    private readonly filter: WindowFilter = (frames) => ({ frames }),
    private readonly firstWindowMs = windowMs,
  ) {}

  /** Takes the room's next frame. */
  add(frame: string): void {
    if (this.timer !== undefined) {
      this.pending.push(frame);
      return;
    }
    if (this.windowMs > 0) this.openWindow(this.firstWindowMs);
    this.flush(new FrameBatch([frame]));
  }

  /** Drops the frames still waiting and stops the window (the room has no viewers left here). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }

  private openWindow(windowMs: number): void {
    this.timer = setTimeout(() => this.endWindow(), windowMs);
  }

  private endWindow(): void {
    const frames = this.pending;
    if (frames.length === 0) {
      this.timer = undefined;
      return;
    }
    this.pending = [];
    this.openWindow(this.windowMs);
    if (frames.length === 1) return this.flush(new FrameBatch(frames));
    const filtered = this.filter(frames);
    if (filtered.frames.length > 0 || (filtered.setAside?.size ?? 0) > 0)
      this.flush(new FrameBatch(filtered.frames, filtered.setAside));
  }
}

/** The frames a delivery carries: a single frame, or the items of a batch. */
export function framesOf(delivery: string | FrameBatch): readonly string[] {
  return typeof delivery === 'string' ? [delivery] : delivery.items;
}
