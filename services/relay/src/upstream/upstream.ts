import type { media } from '@onair/proto';
import { call, deadlineIn } from '@onair/grpc-kit';
import type { MediaHub } from '@onair/media';
import type { Logger } from '@onair/runtime';
import type { BackoffOptions } from './backoff.js';
import { mediaClient } from './media-client.js';
import { RoomSubscription } from './room-subscription.js';
import type { GrpcTls } from '@onair/grpc-kit';

/** Options of {@link Upstream}. */
export interface UpstreamOptions {
  /** MediaService to follow, host:port: ingest, or another relay. */
  address: string;
  /** The relay's mTLS identity on internal gRPC; absent: plaintext. */
  tls?: GrpcTls | undefined;
  /** Interval between ListLiveStreams polls, ms. */
  pollMs: number;
  hub: MediaHub;
  log: Logger;
  /** Re-subscribe backoff of each room. */
  backoff?: BackoffOptions;
}

/**
 * The relay's upstream: polls `ListLiveStreams` every `pollMs` (each under a deadline), follows every new
 * live room with a {@link RoomSubscription}, and ends the hub's stream of a room that is no longer listed.
 * While the upstream is unreachable the hub keeps what it has and polling goes on.
 */
export class Upstream {
  private readonly client: media.MediaServiceClient;
  private readonly subscriptions = new Map<string, RoomSubscription>();
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private reachableNow = false;
  private polled = false;
  /** The subscriptions opened by the first successful poll; undefined until it succeeded. */
  private firstFollowed: RoomSubscription[] | undefined;
  private readyOnce = false;

  constructor(private readonly options: UpstreamOptions) {
    this.log = options.log.child({ component: 'upstream', upstream: options.address });
    this.client = mediaClient(options.address, options.tls);
  }

  /** True when the last poll succeeded. */
  get reachable(): boolean {
    return this.reachableNow;
  }

  /**
   * True once the upstream has been polled successfully and every room that poll listed has started in the hub
   * or failed to subscribe: from then on the hub holds what the upstream had, and may be served to followers
   * (MediaService's `ready`). It stays true; later outages keep what the hub has.
   */
  get ready(): boolean {
    return this.checkReady();
  }

  /** Rooms followed now. */
  get rooms(): string[] {
    return [...this.subscriptions.keys()];
  }

  /** Starts polling at once. */
  start(): void {
    this.log.info({ pollMs: this.options.pollMs }, 'opened');
    this.poll();
  }

  /** Stops polling, cancels every subscription and closes the channel; hub streams are left as they are. */
  stop(): Promise<void> {
    this.log.info('closing');
    this.stopped = true;
    clearTimeout(this.timer);
    for (const sub of this.subscriptions.values()) sub.stop('shutdown');
    this.subscriptions.clear();
    this.client.close();
    this.log.info('closed');
    return Promise.resolve();
  }

  private poll(): void {
    void this.pollOnce().finally(() => {
      if (!this.stopped) this.timer = setTimeout(() => this.poll(), this.options.pollMs);
    });
  }

  private async pollOnce(): Promise<void> {
    let listed: Set<string>;
    try {
      const res = await call<media.ListLiveStreamsResponse__Output>((cb) =>
        this.client.ListLiveStreams({}, { deadline: deadlineIn(Math.max(1000, this.options.pollMs)) }, cb),
      );
      listed = new Set(res.streams.map((s) => s.room));
    } catch (err) {
      if (this.reachableNow || !this.polled) this.log.warn({ err }, 'upstream unreachable');
      this.reachableNow = false;
      this.polled = true;
      return;
    }
    if (this.stopped) return;
    if (!this.reachableNow) this.log.info({ rooms: listed.size }, 'upstream reachable');
    this.reachableNow = true;
    this.polled = true;
    this.reconcile(listed);
    this.firstFollowed ??= [...this.subscriptions.values()];
    this.checkReady();
  }

  /** Latches readiness (see {@link ready}), logging it once. */
  private checkReady(): boolean {
    if (!this.readyOnce && this.firstFollowed?.every((sub) => sub.answered)) {
      this.readyOnce = true;
      this.log.info({ rooms: this.firstFollowed.length }, 'ready');
    }
    return this.readyOnce;
  }

  private reconcile(listed: ReadonlySet<string>): void {
    for (const [room, sub] of this.subscriptions) {
      if (listed.has(room)) continue;
      sub.stop('not listed upstream');
      this.subscriptions.delete(room);
      this.options.hub.end(room, 'ended upstream');
    }
    for (const room of listed) {
      if (this.subscriptions.has(room)) continue;
      const sub = new RoomSubscription({
        room,
        client: this.client,
        hub: this.options.hub,
        log: this.log,
        backoff: this.options.backoff,
        onFinished: (s) => {
          if (this.subscriptions.get(s.room) === s) this.subscriptions.delete(s.room);
        },
      });
      this.subscriptions.set(room, sub);
      sub.start();
    }
  }
}
