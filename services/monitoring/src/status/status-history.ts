import { RingBuffer } from './ring-buffer.js';
import type { HistorySnapshot, StatusReport } from './status-types.js';

interface RenditionRings {
  bitrateKbps: RingBuffer;
  fps: RingBuffer;
  viewers: RingBuffer;
}

interface RoomRings {
  viewers: RingBuffer;
  danmakuPerSecond: RingBuffer;
  chatPerSecond: RingBuffer;
  renditions: Map<string, RenditionRings>;
}

/** Options of {@link StatusHistory}. */
export interface StatusHistoryOptions {
  /** How far back the history reaches, ms. @default 600_000 (10 min) */
  windowMs?: number;
  /** Time between two points, ms: the poll interval, one point per poll round. */
  intervalMs: number;
}

/**
 * A bounded history of every live stream: per room viewers, danmaku/s and chat messages/s, per rendition bit rate,
 * fps and viewers, one point per poll round over the last `windowMs`. Each series is a {@link RingBuffer} of
 * `capacity = ceil(windowMs / intervalMs)` numbers, so a room takes `(3 + 3 × renditions) × capacity × 8` bytes
 * (28.8 KB for three renditions at the default 10 min and a 2 s poll); a room or rendition that is no longer live
 * is forgotten at once.
 */
export class StatusHistory {
  readonly capacity: number;
  readonly intervalMs: number;
  readonly #rooms = new Map<string, RoomRings>();
  #lastPointMs = Number.NEGATIVE_INFINITY;

  /** @throws RangeError when the window is shorter than one interval. */
  constructor({ windowMs = 600_000, intervalMs }: StatusHistoryOptions) {
    if (!(intervalMs > 0) || windowMs < intervalMs) throw new RangeError('history window shorter than one interval');
    this.intervalMs = intervalMs;
    this.capacity = Math.ceil(windowMs / intervalMs);
  }

  /**
   * Follows `report`: forgets rooms and renditions it no longer lists, and appends one point per series when at least
   * three quarters of an interval passed since the last point (a poll round's targets answer within a few ms of each
   * other, and a round may come a little early).
   * @returns true when a point was taken.
   */
  record(report: StatusReport): boolean {
    const live = new Set(report.streams.map((s) => s.room));
    for (const room of this.#rooms.keys()) if (!live.has(room)) this.#rooms.delete(room);
    for (const stream of report.streams) {
      const rings = this.#rooms.get(stream.room);
      if (!rings) continue;
      const names = new Set(stream.renditions.map((r) => r.name));
      for (const name of rings.renditions.keys()) if (!names.has(name)) rings.renditions.delete(name);
    }
    if (report.generatedAtMs - this.#lastPointMs < this.intervalMs * 0.75) return false;
    this.#lastPointMs = report.generatedAtMs;
    for (const stream of report.streams) {
      const rings = this.#roomRings(stream.room);
      rings.viewers.push(stream.viewers);
      rings.danmakuPerSecond.push(stream.danmakuPerSecond);
      rings.chatPerSecond.push(stream.chatPerSecond);
      for (const rendition of stream.renditions) {
        let r = rings.renditions.get(rendition.name);
        if (!r)
          rings.renditions.set(
            rendition.name,
            (r = { bitrateKbps: this.#ring(), fps: this.#ring(), viewers: this.#ring() }),
          );
        r.bitrateKbps.push(rendition.bitrateKbps);
        r.fps.push(rendition.fps);
        r.viewers.push(rendition.viewers);
      }
    }
    return true;
  }

  /** Every series' points, oldest first. */
  snapshot(): HistorySnapshot {
    const rooms = [...this.#rooms]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([room, rings]) => ({
        room,
        viewers: rings.viewers.toArray(),
        danmakuPerSecond: rings.danmakuPerSecond.toArray(),
        chatPerSecond: rings.chatPerSecond.toArray(),
        renditions: [...rings.renditions].map(([name, r]) => ({
          name,
          bitrateKbps: r.bitrateKbps.toArray(),
          fps: r.fps.toArray(),
          viewers: r.viewers.toArray(),
        })),
      }));
    return { intervalMs: this.intervalMs, capacity: this.capacity, rooms };
  }

  #ring(): RingBuffer {
    return new RingBuffer(this.capacity);
  }

  #roomRings(room: string): RoomRings {
    let rings = this.#rooms.get(room);
    if (!rings) {
      rings = {
        viewers: this.#ring(),
        danmakuPerSecond: this.#ring(),
        chatPerSecond: this.#ring(),
        renditions: new Map(),
      };
      this.#rooms.set(room, rings);
    }
    return rings;
  }
}
