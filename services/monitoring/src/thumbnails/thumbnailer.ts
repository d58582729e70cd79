import type { Logger } from '@onair/runtime';
import { NoMediaError } from './relay-media.js';
import type { ThumbnailMetrics } from './thumbnail-metrics.js';
import type { ThumbnailTarget } from './thumbnail-rendition.js';

/** A room's latest thumbnail. */
export interface Thumbnail {
  /** The JPEG, bytes. */
  readonly jpeg: Buffer;
  /** When it was made, unix epoch ms. */
  readonly atMs: number;
}

/** Options of {@link Thumbnailer}. */
export interface ThumbnailerOptions {
  /** The rooms live now (from the latest poll), each with the rendition to decode. */
  liveRooms: () => readonly ThumbnailTarget[];
  /**
   * Reads the latest keyframe of a room's rendition as fMP4 (init + media), giving up when `signal` aborts; throws
   * {@link NoMediaError} when there is none yet.
   */
  fetchMedia: (target: ThumbnailTarget, signal: AbortSignal) => Promise<Buffer>;
  /** Decodes that fMP4 into a JPEG (one short ffmpeg run), killed when `signal` aborts. */
  render: (mp4: Buffer, signal: AbortSignal) => Promise<Buffer>;
  /** A room's thumbnail is made again this long after the last attempt, ms. */
  everyMs: number;
  /** How often due rooms are looked for, ms. @default 1000 */
  tickMs?: number;
  metrics: ThumbnailMetrics;
  log: Logger;
  /** Clock, unix epoch ms; tests pass their own. */
  now?: () => number;
}

/** Per live room: the rendition to decode, its thumbnail, when to try next, and whether its failing has been logged. */
interface RoomState {
  target: ThumbnailTarget;
  thumbnail: Thumbnail | undefined;
  dueMs: number;
  failing: boolean;
}

/**
 * Keeps a thumbnail of every live room, made again about every `everyMs`. Rooms are done one after the other, so at
 * most one ffmpeg runs at a time, and a room whose thumbnail is oldest goes first. A room without media yet (the
 * relay has no playlist or no part for it) is tried again at the next tick; any other failure at the next round
 * (`everyMs` later). The first failure of a room is logged as a warning, later ones at debug until it succeeds again.
 * Rooms that are no longer live lose their thumbnail at the next tick, and so does a room whose publish changed: the
 * new publish gets its own thumbnail at once.
 */
export class Thumbnailer {
  private readonly rooms = new Map<string, RoomState>();
  private readonly log: Logger;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Aborted by stop(): the attempt in flight ends at once. */
  private readonly stopping = new AbortController();

  constructor(private readonly o: ThumbnailerOptions) {
    this.log = o.log.child({ component: 'thumbnailer' });
    this.now = o.now ?? Date.now;
  }

  /** The room's latest thumbnail; undefined when it has none (not live, or none made yet). */
  get(room: string): Thumbnail | undefined {
    return this.rooms.get(room)?.thumbnail;
  }

  /** Starts the ticks; the first one runs at once. */
  start(): void {
    this.log.info({ everyMs: this.o.everyMs }, 'thumbnailer started');
    this.schedule(0);
  }

  /** Stops the ticks, aborts the attempt in flight (its requests, its ffmpeg) and waits for it to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopping.abort();
    await this.running;
    this.log.info('thumbnailer stopped');
  }

  /** Runs one tick: forgets ended rooms, then makes the thumbnails that are due, one at a time. */
  async tick(): Promise<void> {
    const live = new Map(this.o.liveRooms().map((target) => [target.room, target]));
    for (const room of this.rooms.keys()) if (!live.has(room)) this.rooms.delete(room);
    for (const [room, target] of live) {
      const state = this.rooms.get(room);
      if (state?.target.publishStartedAtMs === target.publishStartedAtMs) state.target = target;
      else this.rooms.set(room, { target, thumbnail: undefined, dueMs: 0, failing: false });
    }
    const due = [...this.rooms]
      .filter(([, state]) => state.dueMs <= this.now())
      .sort(([, a], [, b]) => (a.thumbnail?.atMs ?? 0) - (b.thumbnail?.atMs ?? 0));
    for (const [room, state] of due) {
      if (this.stopped) return;
      await this.make(room, state);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule(this.o.tickMs ?? 1000));
    }, delayMs);
  }

  private async make(room: string, state: RoomState): Promise<void> {
    const startedMs = this.now();
    state.dueMs = startedMs + this.o.everyMs;
    let ffmpegMs: number | undefined;
    try {
      const mp4 = await this.o.fetchMedia(state.target, this.stopping.signal);
      const ffmpegStartMs = this.now();
      const jpeg = await this.o
        .render(mp4, this.stopping.signal)
        .finally(() => (ffmpegMs = this.now() - ffmpegStartMs));
      // The room may have ended (and been forgotten) while its thumbnail was made.
      if (this.rooms.get(room) !== state) return;
      state.thumbnail = { jpeg, atMs: this.now() };
      this.o.metrics.made(ffmpegMs ?? 0);
      if (state.failing) this.log.info({ room }, 'thumbnail made again');
      state.failing = false;
      this.log.debug({ room, rendition: state.target.rendition, bytes: jpeg.length, ffmpegMs }, 'thumbnail made');
    } catch (err) {
      this.o.metrics.failed(ffmpegMs);
      if (err instanceof NoMediaError) state.dueMs = startedMs;
      if (state.failing) this.log.debug({ room, err }, 'thumbnail failed');
      else this.log.warn({ room, err }, 'thumbnail failed');
      state.failing = true;
    }
  }
}
