import type { Clock } from './token-bucket.js';

const SLOT_MS = 1000;

interface RoomWindow {
  /** Messages counted in each one-second slot. */
  readonly counts: number[];
  /** Which second (epoch ms / 1000, floored) each slot currently counts. */
  readonly seconds: number[];
}

/**
 * Accepted messages per room over a sliding window (one-second slots), for Telemetry's
 * `messages_per_second`. Memory is one window per room with messages in the window.
 */
export class MessageRate {
  private readonly rooms = new Map<string, RoomWindow>();
  private readonly slots: number;

  /**
   * @param windowMs window length, ms (a multiple of 1000). @default 10000
   * @param now wall or monotonic clock, ms. @default Date.now
   */
  constructor(
    windowMs = 10_000,
    private readonly now: Clock = Date.now,
  ) {
    this.slots = Math.max(1, Math.round(windowMs / SLOT_MS));
  }

  /** Counts one accepted message in `room`. */
  record(room: string): void {
    const second = Math.floor(this.now() / SLOT_MS);
    let window = this.rooms.get(room);
    if (!window) {
      window = { counts: new Array<number>(this.slots).fill(0), seconds: new Array<number>(this.slots).fill(-1) };
      this.rooms.set(room, window);
    }
    const slot = second % this.slots;
    if (window.seconds[slot] !== second) {
      window.seconds[slot] = second;
      window.counts[slot] = 0;
    }
    window.counts[slot] = (window.counts[slot] ?? 0) + 1;
  }

  /** Messages per second in `room` over the window. */
  perSecond(room: string): number {
    const window = this.rooms.get(room);
    return window ? this.count(window) / this.slots : 0;
  }

  /** Rooms with messages in the window; forgets the others. */
  activeRooms(): string[] {
    const active: string[] = [];
    for (const [room, window] of this.rooms) {
      if (this.count(window) > 0) active.push(room);
      else this.rooms.delete(room);
    }
    return active;
  }

  private count(window: RoomWindow): number {
    const oldest = Math.floor(this.now() / SLOT_MS) - this.slots + 1;
    let total = 0;
    for (let i = 0; i < this.slots; i++) {
      if ((window.seconds[i] ?? -1) >= oldest) total += window.counts[i] ?? 0;
    }
    return total;
  }
}
