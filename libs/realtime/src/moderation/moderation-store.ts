import type { z } from 'zod';
import { ensureKv, type Kvm, type KV } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import { moderationKey, parseModerationKey, type ModerationKey } from './moderation-keys.js';
import { RoomState, type Ban, type HeldMessage, type RoomSettings, type StoredTerm } from './room-state.js';
import {
  storedBanSchema,
  storedHeldSchema,
  storedSettingsSchema,
  storedStaffSchema,
  storedTermSchema,
} from './stored-values.js';

/** Tries of a settings change racing other writers before giving up. */
const SETTINGS_TRIES = 5;

/** A change of a room's held posts, as {@link Moderation.onHeld} reports it. */
export type HeldChange = { held: HeldMessage } | { released: string };

/** One KV entry as the watch and reads give it. */
interface Entry {
  readonly key: string;
  readonly revision: number;
  readonly operation: 'PUT' | 'DEL' | 'PURGE';
  json<T>(): T;
}

/** Options of {@link ModerationStore.open}. */
export interface ModerationStoreOptions {
  kvm: Kvm;
  /** KV bucket, e.g. "CHAT_MODERATION". */
  bucket: string;
  /** Copies of the bucket in a NATS cluster (1–5); an existing bucket with fewer is raised. @default 1 */
  replicas?: number;
  log: Logger;
  /** Told of every held post and every release, on every instance. */
  onHeld: (room: string, change: HeldChange) => void;
  /** Wait after a term change before the room's matcher is rebuilt (changes in between coalesce), ms. @default 50 */
  compileDelayMs?: number;
  /** Bound on loading the bucket's entries at open, ms. @default 10000 */
  loadTimeoutMs?: number;
  /** Pause before watching again when the watch ends, ms. @default 1000 */
  rewatchMs?: number;
}

/**
 * The moderation KV bucket and this instance's copy of it. A watch applies every entry (from any instance, in
 * revision order) to the local {@link RoomState}s, so reads are synchronous and a change made elsewhere shows here
 * within the watch's delivery time; writes made here are applied at once too. Entries apply only when newer
 * than what the copy holds for their key.
 */
export class ModerationStore {
  private readonly rooms = new Map<string, RoomState>();
  private readonly staff = new Map<string, number>();
  private readonly revisions = new Map<string, number>();
  private readonly dirty = new Set<RoomState>();
  private compileTimer: NodeJS.Timeout | undefined;
  private watcher: { stop(): void } | undefined;
  private watchedRevision = 0;
  private closed = false;
  private readonly log: Logger;

  private constructor(
    private readonly kv: KV,
    private readonly options: ModerationStoreOptions,
  ) {
    this.log = options.log.child({ component: 'moderation-store' });
  }

  /**
   * Creates the bucket when missing (one value per key, file storage), loads its entries and watches it.
   * @throws when NATS or JetStream does not answer, or the entries do not load within `loadTimeoutMs`.
   */
  static async open(options: ModerationStoreOptions): Promise<ModerationStore> {
    const kv = await ensureKv(options.kvm, options.bucket, { history: 1 }, options);
    const store = new ModerationStore(kv, options);
    await store.load();
    return store;
  }

  /** The room's state (created empty on first use). */
  room(room: string): RoomState {
    let state = this.rooms.get(room);
    if (state === undefined) {
      state = new RoomState();
      this.rooms.set(room, state);
    }
    return state;
  }

  /** Rank of the highest role seen for `userId` when it is a moderator, broadcaster or admin. */
  staffRank(userId: string): number | undefined {
    return this.staff.get(userId);
  }

  /**
   * Changes the room's settings by compare-and-set on the stored value, read from the bucket rather than this copy,
   * so that two instances changing different settings at once both keep their change. `change` gets the stored
   * settings (undefined when none or unreadable) and may be called again after a conflicting write.
   * @throws the bucket's error once {@link SETTINGS_TRIES} writes in a row met a conflicting writer.
   */
  async updateSettings(room: string, change: (stored: RoomSettings | undefined) => RoomSettings): Promise<void> {
    const key = moderationKey({ kind: 'settings', room });
    for (let attempt = 1; ; attempt++) {
      const entry = await this.kv.get(key);
      const parsed = entry?.operation === 'PUT' ? storedSettingsSchema.safeParse(entry.json()) : undefined;
      const json = JSON.stringify(change(parsed?.success === true ? parsed.data : undefined));
      try {
        const revision =
          entry === null ? await this.kv.create(key, json) : await this.kv.update(key, json, entry.revision);
        this.ingest({ key, revision, operation: 'PUT', json: <T>() => JSON.parse(json) as T });
        return;
      } catch (err) {
        if (attempt >= SETTINGS_TRIES) throw err;
        this.log.debug({ err, room, attempt }, 'settings changed meanwhile, trying again');
      }
    }
  }

  /** Stores a ban or timeout of `userId`, replacing an earlier one. */
  async putBan(room: string, userId: string, ban: Ban): Promise<void> {
    await this.put({ kind: 'ban', room, userId }, ban);
  }

  /** Removes the ban or timeout of `userId`; false when there was none (ended timeouts count). */
  async deleteBan(room: string, userId: string): Promise<boolean> {
    if (!this.room(room).bans.has(userId)) return false;
    await this.delete({ kind: 'ban', room, userId });
    return true;
  }

  /** Stores a blocked term under its normalised form `key`. */
  async putTerm(room: string, key: string, term: StoredTerm): Promise<void> {
    await this.put({ kind: 'term', room, term: key }, term);
  }

  /** Removes the blocked term stored under `key`. */
  async deleteTerm(room: string, key: string): Promise<void> {
    await this.delete({ kind: 'term', room, term: key });
  }

  /** Stores a held post. */
  async putHeld(message: HeldMessage): Promise<void> {
    await this.put({ kind: 'held', room: message.room, id: message.id }, message);
  }

  /**
   * Takes a held post out of review, once: the delete is conditional on the revision this copy holds, so of two
   * moderators releasing the same post at once only one gets it. Undefined when it is not held (any more).
   */
  async claimHeld(room: string, id: string): Promise<HeldMessage | undefined> {
    const message = this.room(room).held.get(id);
    const key = moderationKey({ kind: 'held', room, id });
    const revision = this.revisions.get(key);
    if (message === undefined || revision === undefined) return undefined;
    try {
      await this.kv.delete(key, { previousSeq: revision });
    } catch (err) {
      this.log.info({ err, room, id }, 'held post already claimed');
      return undefined;
    }
    await this.refresh(key);
    return message;
  }

  /**
   * Records the rank of a moderator, broadcaster or admin when it differs from the stored one; undefined (a user
   * below moderator) removes a stored rank. Writes only on a change.
   */
  async putStaff(userId: string, rank: number | undefined): Promise<void> {
    const stored = this.staff.get(userId);
    if (stored === rank) return;
    if (rank === undefined) await this.delete({ kind: 'staff', userId });
    else await this.put({ kind: 'staff', userId }, { rank });
  }

  /** Stops the watch. */
  close(): void {
    this.closed = true;
    clearTimeout(this.compileTimer);
    this.watcher?.stop();
  }

  private async put(key: ModerationKey, value: unknown): Promise<void> {
    const encoded = moderationKey(key);
    const json = JSON.stringify(value);
    const revision = await this.kv.put(encoded, json);
    this.ingest({ key: encoded, revision, operation: 'PUT', json: <T>() => JSON.parse(json) as T });
  }

  private async delete(key: ModerationKey): Promise<void> {
    const encoded = moderationKey(key);
    await this.kv.delete(encoded);
    await this.refresh(encoded);
  }

  /** Applies the key's current entry (a delete marker after a delete) without waiting for the watch. */
  private async refresh(key: string): Promise<void> {
    const entry = await this.kv.get(key);
    if (entry !== null) this.ingest(entry);
  }

  /** Loads every entry, then follows changes in the background. */
  private async load(): Promise<void> {
    const { loadTimeoutMs = 10_000 } = this.options;
    const empty = (await this.kv.status()).values === 0;
    let loaded: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (loaded = resolve));
    if (empty) loaded();
    await this.watch(loaded);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`moderation state not loaded in ${loadTimeoutMs} ms`)), loadTimeoutMs);
    });
    try {
      await Promise.race([ready, timeout]);
    } catch (err) {
      this.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    this.compileDirty();
    this.log.info({ bucket: this.options.bucket, rooms: this.rooms.size }, 'loaded');
  }

  /** Starts a watch (from the last revision seen, after the first); `loaded` is called when it is up to date. */
  private async watch(loaded: () => void): Promise<void> {
    const resume = this.watchedRevision > 0 ? { resumeFromRevision: this.watchedRevision + 1 } : {};
    const iterator = await this.kv.watch(resume);
    this.watcher = iterator;
    void (async () => {
      try {
        for await (const entry of iterator) {
          this.watchedRevision = Math.max(this.watchedRevision, entry.revision);
          this.ingest(entry);
          if (entry.isUpdate) loaded();
        }
      } catch (err) {
        this.log.warn({ err }, 'watch failed');
      }
      if (!this.closed) this.rewatch();
    })();
  }

  private rewatch(): void {
    this.log.warn({ revision: this.watchedRevision }, 'watch ended, watching again');
    setTimeout(() => {
      if (this.closed) return;
      this.watch(() => undefined).catch((err: unknown) => {
        this.log.warn({ err }, 'watch not restarted');
        this.rewatch();
      });
    }, this.options.rewatchMs ?? 1000).unref();
  }

  private ingest(entry: Entry): void {
    if ((this.revisions.get(entry.key) ?? 0) >= entry.revision) return;
    this.revisions.set(entry.key, entry.revision);
    const key = parseModerationKey(entry.key);
    if (key === undefined) return;
    const value = entry.operation === 'PUT' ? entry.json<unknown>() : undefined;
    try {
      this.apply(key, value);
    } catch (err) {
      this.log.warn({ err, key: entry.key, revision: entry.revision }, 'skipping unreadable entry');
    }
  }

  private apply(key: ModerationKey, value: unknown): void {
    const read = <T>(schema: z.ZodType<T>): T => schema.parse(value);
    if (key.kind === 'staff') {
      if (value === undefined) this.staff.delete(key.userId);
      else this.staff.set(key.userId, read(storedStaffSchema).rank);
      return;
    }
    const room = this.room(key.room);
    switch (key.kind) {
      case 'settings':
        room.settings = value === undefined ? undefined : read(storedSettingsSchema);
        return;
      case 'ban':
        if (value === undefined) room.bans.delete(key.userId);
        else room.bans.set(key.userId, read(storedBanSchema));
        return;
      case 'term':
        if (value === undefined) room.terms.delete(key.term);
        else room.terms.set(key.term, read(storedTermSchema).action);
        this.scheduleCompile(room);
        return;
      case 'held':
        this.applyHeld(key.room, room, key.id, value === undefined ? undefined : read(storedHeldSchema));
        return;
    }
  }

  private applyHeld(roomId: string, room: RoomState, id: string, message: HeldMessage | undefined): void {
    if (message !== undefined) {
      room.held.set(id, message);
      this.options.onHeld(roomId, { held: message });
    } else if (room.held.delete(id)) this.options.onHeld(roomId, { released: id });
  }

  private scheduleCompile(room: RoomState): void {
    if (!room.terms.stale) return;
    this.dirty.add(room);
    this.compileTimer ??= setTimeout(() => this.compileDirty(), this.options.compileDelayMs ?? 50).unref();
  }

  private compileDirty(): void {
    clearTimeout(this.compileTimer);
    this.compileTimer = undefined;
    for (const room of this.dirty) room.terms.compile();
    this.dirty.clear();
  }
}
