import type { LiveEntry } from '@onair/contracts';
import type { GrpcTls } from '@onair/grpc-kit';
import type { MediaHub } from '@onair/media';
import { connectNats, type NatsConnection } from '@onair/nats-kit';
import { INSTANCE_ID, type Logger } from '@onair/runtime';
import type { BackoffOptions } from './backoff.js';
import { watchLiveRooms, type LiveRoomsListener, type LiveRoomsWatch } from './live-watch.js';
import { MediaClients } from './media-clients.js';
import { RoomSubscription } from './room-subscription.js';

/** The service name ingest replicas' certificates carry, checked whatever address a replica is dialled at. */
const INGEST_SERVICE_NAME = 'ingest';
/** After a room's entry is deleted, how long its subscription may take to bring the ingest's StreamEnded, ms. */
const END_GRACE_MS = 2000;

/** Options of {@link RegistryUpstream}. */
export interface RegistryUpstreamOptions {
  /** NATS server URL(s), comma-separated: where the "live" bucket is. */
  natsUrl: string;
  /** MediaService for rooms whose entry names no ingest (written before ingest advertised its address), host:port. */
  fallbackAddress: string;
  /** The relay's mTLS identity on internal gRPC; absent: plaintext. */
  tls?: GrpcTls | undefined;
  /** How often followed rooms are checked against the bucket's max age, ms. */
  sweepMs: number;
  hub: MediaHub;
  log: Logger;
  /** Re-subscribe backoff of each room. */
  backoff?: BackoffOptions;
  /** Told every room's entry as the watch reads it (undefined: the room is no longer live), before it is followed. */
  onEntry?: ((room: string, entry: LiveEntry | undefined) => void) | undefined;
}

interface Followed {
  /** The ingest followed, host:port. */
  readonly address: string;
  /** The publish the entry named last. */
  publishId: string;
  /** Undefined once it finished (the room ended there) while the entry stays. */
  subscription: RoomSubscription | undefined;
  /** When the entry was last written (NATS server clock), unix epoch ms. */
  updatedAtMs: number;
  /** Set once the entry was deleted while the subscription was live: ends the room if no StreamEnded came first. */
  endTimer?: NodeJS.Timeout | undefined;
}

/**
 * An origin's upstream when the live registry says where each room is: watches the "live" KV bucket and follows
 * every live room from the ingest its entry names (`grpcAddress`; `fallbackAddress` when it names none) with a
 * {@link RoomSubscription}. When an entry moves to another ingest (its publisher reconnected to another replica), the
 * room is subscribed there and the snapshot that ingest replays replaces the hub's stream (a new publish, as after a
 * restart); when the key is deleted, or the entry is older than the bucket's max age (JetStream expires it without a
 * delete marker), the hub's stream ends. A publish that ended on its ingest sends StreamEnded on the call after its
 * last segments, but the delete comes over NATS and may overtake them: a live call gets `END_GRACE_MS` to end the
 * stream itself, with everything before it, so the end of a publish (and of its recording) is not cut short.
 */
export class RegistryUpstream implements LiveRoomsListener {
  private readonly followed = new Map<string, Followed>();
  private readonly clients: MediaClients;
  private readonly log: Logger;
  private nc: NatsConnection | undefined;
  private watch: LiveRoomsWatch | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private maxAgeMs = 0;
  /** Rooms told since the watch (re)opened; undefined once it told every entry it started with. */
  private seen: Set<string> | undefined;
  /** The subscriptions opened for the first watch's entries; undefined until it told them all. */
  private firstFollowed: RoomSubscription[] | undefined;
  private readyOnce = false;
  private stopped = false;

  constructor(private readonly options: RegistryUpstreamOptions) {
    this.log = options.log.child({ component: 'upstream', mode: 'registry' });
    this.clients = new MediaClients(options.tls, INGEST_SERVICE_NAME);
  }

  /**
   * True once the watch has told every entry the bucket held and each room it named has started in the hub or its
   * first call ended: the hub then holds what the ingest replicas had (MediaService's `ready`). It stays true.
   */
  get ready(): boolean {
    if (!this.readyOnce && this.firstFollowed?.every((sub) => sub.answered)) {
      this.readyOnce = true;
      this.log.info({ rooms: this.firstFollowed.length }, 'ready');
    }
    return this.readyOnce;
  }

  /** Rooms followed now. */
  get rooms(): string[] {
    return [...this.followed.keys()];
  }

  /** The NATS connection, once started. */
  get nats(): NatsConnection | undefined {
    return this.nc;
  }

  /** The ingest addresses with rooms followed now. */
  get upstreams(): string[] {
    return this.clients.addresses;
  }

  /**
   * Connects to NATS and starts watching the bucket.
   * @throws when no NATS server answers the first connect.
   */
  async start(): Promise<void> {
    const { log, sweepMs } = this.options;
    this.nc = await connectNats({ servers: this.options.natsUrl, name: `relay-${INSTANCE_ID}`, log });
    this.watch = watchLiveRooms({ nc: this.nc, listener: this, log });
    this.sweep = setInterval(() => this.endExpired(), sweepMs);
    this.log.info({ fallback: this.options.fallbackAddress, sweepMs }, 'opened');
  }

  /** Stops the watch and every subscription, closes the channels and drains NATS; hub streams are left as they are. */
  async stop(): Promise<void> {
    this.log.info('closing');
    this.stopped = true;
    clearInterval(this.sweep);
    this.watch?.stop();
    for (const room of [...this.followed.keys()]) this.unfollow(room, 'shutdown');
    this.clients.close();
    await this.nc?.drain();
    this.log.info('closed');
  }

  /** {@link LiveRoomsListener.reset}: a watch (re)opened. */
  reset(maxAgeMs: number): void {
    this.maxAgeMs = maxAgeMs;
    this.seen = new Set();
  }

  /** {@link LiveRoomsListener.entry}: follows, moves or ends the room. */
  entry(room: string, entry: LiveEntry | undefined, updatedAtMs: number): void {
    if (this.stopped) return;
    this.seen?.add(room);
    this.options.onEntry?.(room, entry);
    if (!entry) return this.deleted(room);
    const address = entry.grpcAddress ?? this.options.fallbackAddress;
    const current = this.followed.get(room);
    if (current?.endTimer) {
      clearTimeout(current.endTimer);
      current.endTimer = undefined;
    }
    if (current?.address === address) {
      current.updatedAtMs = updatedAtMs;
      // A new publish on the same ingest: a live subscription follows it there (the ingest replaces the stream).
      if (current.subscription || current.publishId === entry.publishId) {
        current.publishId = entry.publishId;
        return;
      }
      this.followed.delete(room);
    } else if (current) {
      this.log.info({ room, from: current.address, to: address }, 'room moved to another ingest');
      this.unfollow(room, 'moved to another ingest');
    }
    this.follow(room, address, entry.publishId, updatedAtMs);
  }

  /** {@link LiveRoomsListener.initialized}: rooms followed before a re-opened watch and absent from it end. */
  initialized(): void {
    const seen = this.seen;
    this.seen = undefined;
    if (seen) for (const room of this.followed.keys()) if (!seen.has(room)) this.end(room, 'ended upstream');
    this.firstFollowed ??= [...this.followed.values()].flatMap((f) => (f.subscription ? [f.subscription] : []));
  }

  private follow(room: string, address: string, publishId: string, updatedAtMs: number): void {
    const followed: Followed = { address, publishId, subscription: undefined, updatedAtMs };
    followed.subscription = new RoomSubscription({
      room,
      client: this.clients.acquire(address),
      hub: this.options.hub,
      log: this.log.child({ upstream: address }),
      backoff: this.options.backoff,
      endWhenNotFound: false,
      onFinished: (s) => {
        if (followed.subscription !== s) return;
        followed.subscription = undefined;
        this.clients.release(address);
        // The StreamEnded came after the entry's delete: the room is done here.
        if (followed.endTimer && this.followed.get(room) === followed) this.unfollow(room, 'ended upstream');
      },
    });
    this.followed.set(room, followed);
    followed.subscription.start();
  }

  /** Stops following `room` (its subscription and client), leaving the hub's stream as it is. */
  private unfollow(room: string, reason: string): void {
    const followed = this.followed.get(room);
    if (!followed) return;
    this.followed.delete(room);
    clearTimeout(followed.endTimer);
    if (!followed.subscription) return;
    followed.subscription.stop(reason);
    followed.subscription = undefined;
    this.clients.release(followed.address);
  }

  /**
   * The room's entry was deleted: its publish ended. A live call is given `END_GRACE_MS` to bring the StreamEnded
   * (after the publish's last events) before the stream is ended here; without one it ends at once.
   */
  private deleted(room: string): void {
    const followed = this.followed.get(room);
    if (!followed?.subscription) return this.end(room, 'ended upstream');
    clearTimeout(followed.endTimer);
    followed.endTimer = setTimeout(() => {
      if (this.followed.get(room) === followed) this.end(room, 'ended upstream');
    }, END_GRACE_MS);
  }

  private end(room: string, reason: string): void {
    if (!this.followed.has(room)) return;
    this.unfollow(room, reason);
    this.options.hub.end(room, reason);
  }

  private endExpired(): void {
    if (this.maxAgeMs <= 0) return;
    const now = Date.now();
    for (const [room, { updatedAtMs }] of this.followed) {
      if (now - updatedAtMs > this.maxAgeMs) this.end(room, 'live entry expired');
    }
  }
}
