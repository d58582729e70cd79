import { randomUUID } from 'node:crypto';
import { ensureKv, type KV, type Kvm } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import { LIVE_BUCKET, decodeLiveEntry, type LiveEntry } from '@onair/contracts';
import { LiveLease } from './live-lease.js';

/** Options of {@link LiveRegistry.open}. */
export interface LiveRegistryOptions {
  log: Logger;
  /** Bucket name. @default "live" */
  bucket?: string;
  /** Bucket max age: how long an entry lives without a refresh, ms (nats-server 2.9 has per-bucket TTL only). @default 30000 */
  ttlMs?: number;
  /** Copies of the bucket in a NATS cluster (1–5); an existing bucket with fewer is raised. @default 1 */
  replicas?: number;
  /** How often a live publish re-puts its entry, ms. @default 10000 */
  refreshMs?: number;
  /**
   * This instance's MediaService address ("host:port") for the entries it writes, read at each acquire (the gRPC
   * port may be bound after the registry opens); absent or undefined: entries name no address.
   */
  grpcAddress?: () => string | undefined;
}

/**
 * Which rooms are live, across every ingest instance: one key per live room in the "live" KV bucket holding
 * `{ publishId, startedAtMs, grpcAddress, record, anchors }` (grpcAddress: where the instance holding the room serves
 * its media; record, present only when true: the origin relays record this publish; anchors, present once a new
 * publisher continued the publish: its timeline anchors, see LiveLease.continueAt). The bucket's max age (nats-server 2.9 supports a per-bucket TTL, not
 * per-message TTLs, which came in 2.11) bounds how long the entry of a crashed instance can lock its room.
 */
export class LiveRegistry {
  private constructor(
    private readonly kv: KV,
    private readonly refreshMs: number,
    private readonly log: Logger,
    private readonly grpcAddress: () => string | undefined,
  ) {}

  /** Opens the bucket, creating it (history 1, max age `ttlMs`, `replicas` copies) when missing. */
  static async open(
    kvm: Kvm,
    {
      log,
      bucket = LIVE_BUCKET,
      ttlMs = 30_000,
      refreshMs = 10_000,
      grpcAddress = () => undefined,
      replicas,
    }: LiveRegistryOptions,
  ): Promise<LiveRegistry> {
    if (refreshMs >= ttlMs) throw new RangeError(`refreshMs ${refreshMs} must be below ttlMs ${ttlMs}`);
    const kv = await ensureKv(
      kvm,
      bucket,
      { history: 1, ttl: ttlMs, description: 'Onair live rooms: publishId, startedAtMs, grpcAddress' },
      { replicas, log },
    );
    return new LiveRegistry(kv, refreshMs, log.child({ component: 'live-registry' }), grpcAddress);
  }

  /**
   * Marks a room live for a new publish (`publishId`, a UUID); undefined when it already is (here or on another instance), unless
   * `takeOver` overwrites the other publish's entry (its instance loses the lock at its next refresh). `record` (the
   * room's setting as the publish starts) goes into the entry for the whole publish.
   * @throws when NATS cannot be reached.
   */
  acquire(
    room: string,
    publishId: string = randomUUID(),
    log: Logger = this.log,
    takeOver = false,
    record = false,
  ): Promise<LiveLease | undefined> {
    const { kv, refreshMs } = this;
    const grpcAddress = this.grpcAddress();
    return LiveLease.acquire({ kv, room, publishId, refreshMs, log, takeOver, grpcAddress, record });
  }

  /** The live entry of a room, if it is live. */
  async get(room: string): Promise<LiveEntry | undefined> {
    const e = await this.kv.get(room);
    if (!e || e.operation !== 'PUT') return undefined;
    return decodeLiveEntry(e.string());
  }

  /**
   * Deletes the live entry of `room` if it still names `publishId` (at the revision read, so a publish that took the
   * room meanwhile keeps its entry): for an entry whose instance no longer answers for it.
   * @returns false when the room has no entry for that publish.
   * @throws when NATS cannot be reached.
   */
  async remove(room: string, publishId: string): Promise<boolean> {
    const e = await this.kv.get(room);
    if (!e || e.operation !== 'PUT' || decodeLiveEntry(e.string())?.publishId !== publishId) return false;
    await this.kv.delete(room, { previousSeq: e.revision });
    this.log.warn({ room, publishId }, 'stale live entry deleted');
    return true;
  }

  /** Ids of every live room. */
  async liveRooms(): Promise<Set<string>> {
    const rooms = new Set<string>();
    for await (const key of await this.kv.keys()) rooms.add(key);
    return rooms;
  }
}
