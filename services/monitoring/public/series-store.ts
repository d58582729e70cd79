// The dashboard's copy of the sparkline history: filled from the `snapshot` event, then one point appended per
// sampled `status` event, each series trimmed to the server's capacity.
import type { RoomHistory, StatusReport, StatusSnapshot } from '../src/status/status-types.js';

/** Every live room's series, by room. */
export class SeriesStore {
  #capacity = 1;
  #rooms = new Map<string, RoomHistory>();

  /** Points a series holds at most. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Replaces everything with a snapshot's history. */
  reset(history: StatusSnapshot['history']): void {
    this.#capacity = Math.max(1, history.capacity);
    this.#rooms = new Map(history.rooms.map((r) => [r.room, r]));
  }

  /** The series of `room`, or an empty one. */
  room(room: string): RoomHistory {
    return this.#rooms.get(room) ?? { room, viewers: [], danmakuPerSecond: [], chatPerSecond: [], renditions: [] };
  }

  /** Forgets rooms and renditions `report` no longer lists; appends the report's values when `sampled`. */
  follow(report: StatusReport, sampled: boolean): void {
    const next = new Map<string, RoomHistory>();
    for (const stream of report.streams) {
      const old = this.room(stream.room);
      const renditions = stream.renditions.map(
        (r) => old.renditions.find((h) => h.name === r.name) ?? { name: r.name, bitrateKbps: [], fps: [], viewers: [] },
      );
      const room: RoomHistory = { ...old, renditions };
      if (sampled) {
        this.#push(room.viewers, stream.viewers);
        this.#push(room.danmakuPerSecond, stream.danmakuPerSecond);
        this.#push(room.chatPerSecond, stream.chatPerSecond);
        stream.renditions.forEach((r, i) => {
          const h = renditions[i];
          if (!h) return;
          this.#push(h.bitrateKbps, r.bitrateKbps);
          this.#push(h.fps, r.fps);
          this.#push(h.viewers, r.viewers);
        });
      }
      next.set(stream.room, room);
    }
    this.#rooms = next;
  }

  #push(series: number[], value: number): void {
    series.push(value);
    if (series.length > this.#capacity) series.splice(0, series.length - this.#capacity);
  }
}
