import type { media } from '@onair/proto';
import type { LiveStream, MediaHub } from '@onair/media';
import type { Logger } from '@onair/runtime';
import type { BackoffOptions } from './backoff.js';
import { mediaClient } from './media-client.js';
import { RoomSubscription } from './room-subscription.js';
import type { GrpcTls } from '@onair/grpc-kit';

/** The StreamEnded reason of a room an on-demand relay let go of after nobody asked for it. */
export const IDLE_REASON = 'idle';

/** Options of {@link OnDemandUpstream}. */
export interface OnDemandUpstreamOptions {
  /** MediaService to follow, host:port: another relay (an edge's origin), or ingest. */
  address: string;
  /** The relay's mTLS identity on internal gRPC; absent: plaintext. */
  tls?: GrpcTls | undefined;
  hub: MediaHub;
  log: Logger;
  /** How long a first request waits for the room's stream to start, ms. */
  firstRequestWaitMs: number;
  /** A room nobody asked for (no HTTP request, no MediaService subscriber) this long is let go, ms. */
  idleMs: number;
  /** Re-subscribe backoff of each room. */
  backoff?: BackoffOptions;
}

interface Followed {
  readonly subscription: RoomSubscription;
  /** Resolves once the subscription finished (the room ended upstream, or is not live there). */
  readonly finished: Promise<void>;
  /** MediaService subscribers of this relay following the room now. */
  holders: number;
  lastWantedMs: number;
}

/**
 * An edge's upstream: follows a room only while it is asked for. The first request for a room (an HTTP request or a
 * MediaService Subscribe) opens one {@link RoomSubscription} however many requests come together (request
 * coalescing) and waits, bounded, for the stream to reach its live edge; a room nobody asked for during `idleMs` is
 * let go (its stream ends with {@link IDLE_REASON}). The upstream is asked nothing else: no polling.
 */
export class OnDemandUpstream {
  private readonly client: media.MediaServiceClient;
  private readonly followed = new Map<string, Followed>();
  private readonly log: Logger;
  private readonly sweep: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: OnDemandUpstreamOptions) {
    this.log = options.log.child({ component: 'upstream', upstream: options.address, mode: 'on-demand' });
    this.client = mediaClient(options.address, options.tls);
    this.sweep = setInterval(() => this.letIdleGo(), Math.max(100, Math.floor(options.idleMs / 4)));
    this.sweep.unref();
  }

  /** Rooms followed now. */
  get rooms(): string[] {
    return [...this.followed.keys()];
  }

  /** Logs the start; rooms are followed as they are asked for. */
  start(): void {
    this.log.info({ idleMs: this.options.idleMs }, 'opened');
  }

  /**
   * Asks for a room: follows it if it is not followed yet, and resolves once the hub has its stream at its live edge,
   * or when the upstream says it is not live, or after `firstRequestWaitMs` (the caller then finds no stream: 404).
   */
  async want(room: string): Promise<void> {
    if (this.stopped) return;
    const entry = this.follow(room);
    entry.lastWantedMs = Date.now();
    await this.startedOrGone(room, entry);
  }

  /** Notes that a room was asked for (an HTTP request for a stream the hub has), so it is not let go as idle. */
  touch(room: string): void {
    const entry = this.followed.get(room);
    if (entry) entry.lastWantedMs = Date.now();
  }

  /** A MediaService subscriber follows `room` until {@link release}: the room is not idle meanwhile. */
  async acquire(room: string): Promise<void> {
    await this.want(room);
    const entry = this.followed.get(room);
    if (entry) entry.holders++;
  }

  /** A MediaService subscriber of `room` is gone. */
  release(room: string): void {
    const entry = this.followed.get(room);
    if (!entry) return;
    entry.holders = Math.max(0, entry.holders - 1);
    entry.lastWantedMs = Date.now();
  }

  /** Stops every subscription and closes the channel; hub streams are left as they are. */
  stop(): Promise<void> {
    this.log.info('closing');
    this.stopped = true;
    clearInterval(this.sweep);
    for (const { subscription } of this.followed.values()) subscription.stop('shutdown');
    this.followed.clear();
    this.client.close();
    this.log.info('closed');
    return Promise.resolve();
  }

  private follow(room: string): Followed {
    const existing = this.followed.get(room);
    if (existing) return existing;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const subscription = new RoomSubscription({
      room,
      client: this.client,
      hub: this.options.hub,
      log: this.log,
      backoff: this.options.backoff,
      onFinished: (s) => {
        if (this.followed.get(s.room)?.subscription === s) this.followed.delete(s.room);
        finish();
      },
    });
    const entry: Followed = { subscription, finished, holders: 0, lastWantedMs: Date.now() };
    this.followed.set(room, entry);
    subscription.start();
    return entry;
  }

  /**
   * Resolves once the room's stream has reached its live edge here (every rendition holds a part, so a player's
   * first playlist has parts to start from), its subscription finished, or the first-request wait passed.
   */
  private startedOrGone(room: string, entry: Followed): Promise<void> {
    const { hub, firstRequestWaitMs } = this.options;
    const atEdge = (stream: LiveStream): boolean =>
      stream.info.renditions.every((r) => stream.window(r.name)?.lastPart() !== undefined);
    return new Promise((resolve) => {
      let stopFollowing: () => void = () => undefined;
      const watch = (stream: LiveStream): void => {
        stopFollowing();
        if (atEdge(stream)) return done();
        stopFollowing = stream.listen(() => {
          if (atEdge(stream)) done();
        });
      };
      const timer = setTimeout(() => done(), firstRequestWaitMs);
      const stopListening = hub.onStarted((stream) => {
        if (stream.room === room) watch(stream);
      });
      void entry.finished.then(() => done());
      const current = hub.get(room);
      if (current) watch(current);
      function done(): void {
        clearTimeout(timer);
        stopListening();
        stopFollowing();
        resolve();
      }
    });
  }

  private letIdleGo(): void {
    const now = Date.now();
    for (const [room, entry] of this.followed) {
      if (entry.holders > 0 || now - entry.lastWantedMs < this.options.idleMs) continue;
      this.followed.delete(room);
      entry.subscription.stop(IDLE_REASON);
      this.options.hub.end(room, IDLE_REASON);
      this.log.info({ room, idleMs: this.options.idleMs }, 'room let go');
    }
  }
}
