import type { NatsConnection, Subscription } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import { presenceFrame } from './frames.js';
import { encodePresence, PresenceCodec, type LocalRoom, type RoomPresence } from './presence-message.js';
import { PresenceTable } from './presence-table.js';
import { monotonicClock, type Clock } from './token-bucket.js';

/** NATS' default max_payload, used when the server has not said its own, bytes. */
const DEFAULT_MAX_PAYLOAD = 1_048_576;

/** Options of {@link Presence}. */
export interface PresenceOptions {
  nc: NatsConnection;
  /** Core NATS subject every instance publishes on and subscribes to, e.g. `chat.presence`. */
  subject: string;
  /** This instance's id (INSTANCE_ID). */
  instance: string;
  /** This instance's rooms with viewers (RoomFanout.localRooms), read every interval. */
  localRooms(usersLimit: number): ReadonlyMap<string, LocalRoom>;
  /** Delivers a presence frame to the room's viewers on this instance (RoomFanout.broadcastLocal). Must not throw. */
  push(room: string, frame: string): void;
  log: Logger;
  /** How often the instance publishes and pushes, ms. @default 5000 */
  intervalMs?: number;
  /** An instance not heard from for this long drops out of the counts, ms. @default 15000 */
  expireMs?: number;
  /** Users are listed for rooms with at most this many distinct identified viewers. @default 100 */
  usersLimit?: number;
  /** Clock for `expireMs`, ms. @default performance.now */
  now?: Clock;
}

/**
 * Who is in each room over all instances. Every `intervalMs` (and at once on {@link start}) the instance publishes
 * one core NATS message with all its rooms ({@link PresenceMessage}) on `subject`, and on {@link stop} one without
 * rooms so the others drop it at once. It keeps every instance's latest message; an instance silent for `expireMs`
 * drops out. Every interval, each room with viewers here whose presence changed (or that a viewer joined) since its
 * last push gets a presence frame (frames.ts `presenceFrame`): at most one per room per interval.
 */
export class Presence {
  private readonly table: PresenceTable;
  private readonly codec: PresenceCodec;
  private readonly intervalMs: number;
  private readonly now: Clock;
  private readonly log: Logger;
  /** The latest frame pushed to each room with viewers here, and the room's latest join then. */
  private readonly pushed = new Map<string, { readonly frame: string; readonly lastJoin: number }>();
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private truncated = false;

  constructor(private readonly options: PresenceOptions) {
    const { intervalMs = 5000, expireMs = 15_000, usersLimit = 100, now = monotonicClock } = options;
    this.table = new PresenceTable(expireMs, usersLimit);
    this.codec = new PresenceCodec(usersLimit);
    this.intervalMs = intervalMs;
    this.now = now;
    this.log = options.log.child({ component: 'presence' });
  }

  /**
   * Subscribes to the other instances, publishes this one's rooms and starts the interval.
   * @throws when the connection is closed.
   */
  start(): void {
    const { nc, subject } = this.options;
    this.subscription = nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) this.log.warn({ err }, 'subscription error');
        else this.receive(msg.string());
      },
    });
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.log.info({ subject, intervalMs: this.intervalMs }, 'listening');
  }

  /** `room` over the live instances, this one included (as of its latest interval). */
  room(room: string): RoomPresence {
    return this.table.room(room, this.now());
  }

  /** Stops the interval, publishes an empty message so the others drop this instance, and unsubscribes. */
  stop(): void {
    clearInterval(this.timer);
    this.publish(new Map());
    this.subscription?.unsubscribe();
    this.log.info('closed');
  }

  /** One interval: publish this instance's rooms, forget silent instances, push changed rooms. */
  private tick(): void {
    const nowMs = this.now();
    const local = this.options.localRooms(this.codec.usersLimit);
    this.table.update({ instance: this.options.instance, rooms: local }, nowMs);
    this.publish(local);
    const expired = this.table.expire(nowMs);
    if (expired.length > 0) this.log.info({ instances: expired }, 'instances expired');
    this.pushChanged(local, nowMs);
  }

  private pushChanged(local: ReadonlyMap<string, LocalRoom>, nowMs: number): void {
    for (const room of this.pushed.keys()) if (!local.has(room)) this.pushed.delete(room);
    for (const [room, { lastJoin }] of local) {
      const frame = presenceFrame(room, this.table.room(room, nowMs));
      const last = this.pushed.get(room);
      if (last?.frame === frame && last.lastJoin === lastJoin) continue;
      this.pushed.set(room, { frame, lastJoin });
      this.options.push(room, frame);
    }
  }

  private publish(rooms: ReadonlyMap<string, LocalRoom>): void {
    const { nc, subject, instance } = this.options;
    const message = {
      instance,
      rooms: new Map([...rooms].map(([room, { viewers, users }]) => [room, { viewers, users }])),
    };
    const encoded = encodePresence(message, nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD);
    if (encoded.usersDropped !== this.truncated) {
      this.truncated = encoded.usersDropped;
      if (this.truncated)
        this.log.warn({ rooms: rooms.size, roomsDropped: encoded.roomsDropped }, 'presence over max payload');
      else this.log.info({ rooms: rooms.size }, 'presence within max payload');
    }
    try {
      nc.publish(subject, encoded.data);
    } catch (err) {
      this.log.warn({ err }, 'publish failed');
    }
  }

  private receive(data: string): void {
    const message = this.codec.decode(data);
    if (message === undefined) {
      this.log.warn({ bytes: data.length }, 'invalid presence message');
      return;
    }
    if (message.instance !== this.options.instance) this.table.update(message, this.now());
  }
}
