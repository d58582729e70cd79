import { z } from 'zod';
import { ensureKv, type KV, type Kvm } from '@onair/nats-kit';
import { OnairError, type Logger } from '@onair/runtime';
import { ROOM_ID_PATTERN } from '@onair/contracts';
import {
  chosenStreamKeyProblem,
  generateStreamKey,
  hashStreamKey,
  roomIdOfStreamKey,
  streamKeyMatches,
} from './stream-key.js';

/** A room as stored in the "rooms" KV bucket (key: the room id, value: this record as JSON). */
export interface RoomRecord {
  readonly id: string;
  readonly title: string;
  /** Unix epoch ms. */
  readonly createdAtMs: number;
  /** SHA-256 of the stream key, hex (see {@link hashStreamKey}). */
  readonly streamKeyHash: string;
  /**
   * Whether the origin relays record the room's publishes: read when a publish starts and written into its live
   * entry, so a change applies from the room's next publish. Records stored before the setting existed read false.
   */
  readonly record: boolean;
}

/** The settings {@link RoomStore.update} changes; a field left out keeps its value. */
export interface RoomChanges {
  readonly title?: string | undefined;
  readonly record?: boolean | undefined;
}

/** A room with its stream key in clear, as returned once by create and rotate. */
export interface RoomWithKey {
  readonly room: RoomRecord;
  readonly streamKey: string;
}

const recordSchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAtMs: z.number(),
  streamKeyHash: z.string().regex(/^[0-9a-f]{64}$/),
  record: z.boolean().default(false),
});

/** Longest room title, characters. */
export const MAX_TITLE_LENGTH = 200;
/** Bucket holding the rooms. */
export const ROOMS_BUCKET = 'rooms';
/** Tries of a read-modify-write (key rotation, update) racing other writers before giving up. */
const UPDATE_TRIES = 3;

/** Options of {@link RoomStore.open}. */
export interface RoomStoreOptions {
  log: Logger;
  /** Copies of the bucket in a NATS cluster (1–5); an existing bucket with fewer is raised. @default 1 */
  replicas?: number;
  /** Bucket name. @default "rooms" */
  bucket?: string;
  /** Whether rooms made by {@link RoomStore.create} are recorded (INGEST_RECORD_NEW_ROOMS). @default false */
  recordNewRooms?: boolean;
}

/**
 * Rooms and their hashed stream keys in a NATS JetStream KV bucket, shared by every ingest instance.
 * Stream keys are never stored in clear; a presented key is checked with {@link RoomStore.verifyStreamKey}.
 */
export class RoomStore {
  private constructor(
    private readonly kv: KV,
    private readonly recordNewRooms: boolean,
  ) {}

  /** Opens the bucket, creating it (history 1, `replicas` copies) when missing. */
  static async open(
    kvm: Kvm,
    { log, replicas, bucket = ROOMS_BUCKET, recordNewRooms = false }: RoomStoreOptions,
  ): Promise<RoomStore> {
    const settings = { history: 1, description: 'Onair rooms and hashed stream keys' };
    return new RoomStore(await ensureKv(kvm, bucket, settings, { replicas, log }), recordNewRooms);
  }

  /**
   * Creates a room with a new stream key, or with `chosenKey` when given (an operator-chosen key, see
   * {@link chosenStreamKeyProblem}); it is recorded when the store's `recordNewRooms` says so.
   * @throws OnairError INVALID_ARGUMENT for an id that is not a slug, a title too long or a chosen key that does
   * not fit the room; ALREADY_EXISTS when the id is taken.
   */
  async create(id: string, title: string, chosenKey?: string): Promise<RoomWithKey> {
    if (!ROOM_ID_PATTERN.test(id)) {
      throw new OnairError('INVALID_ARGUMENT', `room id "${id}" must be 1 to 64 lower-case letters, digits or "-"`);
    }
    const cleanTitle = checkTitle(title.trim() || id);
    const streamKey = chosenKey === undefined ? generateStreamKey(id) : checkChosen(id, chosenKey);
    const room: RoomRecord = {
      id,
      title: cleanTitle,
      createdAtMs: Date.now(),
      streamKeyHash: hashStreamKey(streamKey),
      record: this.recordNewRooms,
    };
    try {
      await this.kv.create(id, JSON.stringify(room));
    } catch (err) {
      if (await this.get(id)) throw new OnairError('ALREADY_EXISTS', `room ${id} already exists`, { cause: err });
      throw err;
    }
    return { room, streamKey };
  }

  /** A room by id; undefined when there is none (or the id is not a slug). */
  async get(id: string): Promise<RoomRecord | undefined> {
    return (await this.entry(id))?.room;
  }

  /** Every room, ordered by id. */
  async list(): Promise<RoomRecord[]> {
    const ids: string[] = [];
    for await (const key of await this.kv.keys()) ids.push(key);
    const rooms = await Promise.all(ids.map((id) => this.get(id)));
    return rooms.filter((r): r is RoomRecord => r !== undefined).sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Replaces a room's stream key with a new one, or with `chosenKey` when given; the old key stops working at once.
   * @throws OnairError NOT_FOUND when the room does not exist; INVALID_ARGUMENT for a chosen key that does not
   * fit the room; UNAVAILABLE when concurrent writers keep winning.
   */
  async rotateStreamKey(id: string, chosenKey?: string): Promise<RoomWithKey> {
    const streamKey = chosenKey === undefined ? generateStreamKey(id) : checkChosen(id, chosenKey);
    const room = await this.modify(id, (current) => ({ ...current, streamKeyHash: hashStreamKey(streamKey) }));
    return { room, streamKey };
  }

  /**
   * Changes a room's title and/or whether it is recorded, and returns the room as stored. A blank title becomes the
   * id, as at creation. The recording setting applies from the room's next publish (a live publish keeps the
   * setting it started with).
   * @throws OnairError INVALID_ARGUMENT when `changes` sets nothing or the title is too long; NOT_FOUND when the room
   * does not exist; UNAVAILABLE when concurrent writers keep winning.
   */
  async update(id: string, changes: RoomChanges): Promise<RoomRecord> {
    const { title, record } = changes;
    if (title === undefined && record === undefined) throw new OnairError('INVALID_ARGUMENT', 'set a title or record');
    const cleanTitle = title === undefined ? undefined : checkTitle(title.trim() || id);
    return this.modify(id, (current) => ({
      ...current,
      ...(cleanTitle === undefined ? {} : { title: cleanTitle }),
      ...(record === undefined ? {} : { record }),
    }));
  }

  /**
   * The room a stream key belongs to, or undefined when the key is wrong. The room id is read from the key;
   * the key's hash is compared with the stored one in constant time. (Whether a room id exists is not
   * secret — room ids are public — so only the comparison needs to be constant-time.)
   */
  async verifyStreamKey(streamKey: string): Promise<RoomRecord | undefined> {
    const id = roomIdOfStreamKey(streamKey);
    if (id === undefined) return undefined;
    const room = await this.get(id);
    return room && streamKeyMatches(streamKey, room.streamKeyHash) ? room : undefined;
  }

  /**
   * Read-modify-write of one room at its revision, read again when another writer got there first.
   * @throws OnairError NOT_FOUND when the room does not exist; UNAVAILABLE after {@link UPDATE_TRIES} lost races.
   */
  private async modify(id: string, change: (room: RoomRecord) => RoomRecord): Promise<RoomRecord> {
    for (let attempt = 0; attempt < UPDATE_TRIES; attempt++) {
      const current = await this.entry(id);
      if (!current) throw new OnairError('NOT_FOUND', `room ${id} does not exist`);
      const room = change(current.room);
      try {
        await this.kv.update(id, JSON.stringify(room), current.revision);
        return room;
      } catch {
        // another writer changed the room since it was read: read again
      }
    }
    throw new OnairError('UNAVAILABLE', `room ${id} changed concurrently, try again`);
  }

  private async entry(id: string): Promise<{ room: RoomRecord; revision: number } | undefined> {
    if (!ROOM_ID_PATTERN.test(id)) return undefined;
    const e = await this.kv.get(id);
    if (!e || e.operation !== 'PUT') return undefined;
    return { room: recordSchema.parse(e.json()), revision: e.revision };
  }
}

/** `title` when it is at most {@link MAX_TITLE_LENGTH} characters. @throws OnairError INVALID_ARGUMENT otherwise. */
function checkTitle(title: string): string {
  if (title.length > MAX_TITLE_LENGTH)
    throw new OnairError('INVALID_ARGUMENT', `room title longer than ${MAX_TITLE_LENGTH} characters`);
  return title;
}

/** `chosenKey` when it fits room `id`. @throws OnairError INVALID_ARGUMENT saying why it does not. */
function checkChosen(id: string, chosenKey: string): string {
  const problem = chosenStreamKeyProblem(id, chosenKey);
  if (problem) throw new OnairError('INVALID_ARGUMENT', problem);
  return chosenKey;
}
