import { z } from 'zod';
import { roomIdSchema } from './fields.js';

/** An identified viewer, as presence lists it. */
export interface PresenceUser {
  /** The user id at the token issuer (`sub`). */
  readonly userId: string;
  /** Display name. */
  readonly name: string;
}

/** Who is in a room: viewers (sockets) and, when few enough, the identified users among them. */
export interface RoomPresence {
  /** Open WebSockets of the room. */
  readonly viewers: number;
  /**
   * The room's distinct identified users (by userId); absent when there are more than the users limit. Viewers
   * without an identity are counted in `viewers` but not listed.
   */
  readonly users?: readonly PresenceUser[];
}

/**
 * What one instance publishes on the presence subject every interval: all its rooms with viewers.
 * `{"instance":"<id>","rooms":{"<room>":{"viewers":3,"users":[{"userId":"u1","name":"Ann"}]}}}`; `rooms` empty
 * means the instance has no viewers (or is stopping) and is forgotten at once.
 */
export interface PresenceMessage {
  readonly instance: string;
  readonly rooms: ReadonlyMap<string, RoomPresence>;
}

/** Longest instance id, user id and name a presence message may carry, characters. */
const MAX_ID_CHARS = 128;

const idSchema = z.string().min(1).max(MAX_ID_CHARS);

function messageSchema(usersLimit: number) {
  return z.object({
    instance: idSchema,
    rooms: z.record(
      roomIdSchema,
      z.object({
        viewers: z.int().nonnegative(),
        users: z
          .array(z.object({ userId: idSchema, name: idSchema }))
          .max(usersLimit)
          .optional(),
      }),
    ),
  });
}

/** Reads presence messages; a message naming more than `usersLimit` users in a room is refused. */
export class PresenceCodec {
  private readonly schema: ReturnType<typeof messageSchema>;

  /** @param usersLimit most users listed per room. */
  constructor(readonly usersLimit: number) {
    this.schema = messageSchema(usersLimit);
  }

  /** The message in `data` (JSON text), or undefined when it is not a valid presence message. */
  decode(data: string): PresenceMessage | undefined {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return undefined;
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) return undefined;
    const rooms = new Map<string, RoomPresence>();
    for (const [room, { viewers, users }] of Object.entries(parsed.data.rooms)) {
      if (viewers > 0) rooms.set(room, users === undefined ? { viewers } : { viewers, users });
    }
    return { instance: parsed.data.instance, rooms };
  }
}

/**
 * `message` as JSON text of at most `maxBytes` (UTF-8; NATS' max_payload): when it is larger, the users lists are
 * left out; when still larger, the rooms with the fewest viewers are left out too (all of them when even the
 * instance id alone does not fit). `usersDropped` and `roomsDropped` say what was
 * left out.
 */
export function encodePresence(
  message: PresenceMessage,
  maxBytes: number,
): { readonly data: string; readonly usersDropped: boolean; readonly roomsDropped: number } {
  const full = JSON.stringify({ instance: message.instance, rooms: Object.fromEntries(message.rooms) });
  if (Buffer.byteLength(full) <= maxBytes) return { data: full, usersDropped: false, roomsDropped: 0 };
  const head = `{"instance":${JSON.stringify(message.instance)},"rooms":{`;
  const entries: string[] = [];
  let bytes = Buffer.byteLength(head) + 2;
  const largestFirst = [...message.rooms].sort(([, a], [, b]) => b.viewers - a.viewers);
  for (const [room, { viewers }] of largestFirst) {
    const entry = `${JSON.stringify(room)}:{"viewers":${viewers}}`;
    const entryBytes = Buffer.byteLength(entry) + (entries.length > 0 ? 1 : 0);
    if (bytes + entryBytes > maxBytes) break;
    entries.push(entry);
    bytes += entryBytes;
  }
  return {
    data: `${head}${entries.join(',')}}}`,
    usersDropped: true,
    roomsDropped: message.rooms.size - entries.length,
  };
}

/** A room with viewers on this instance, as presence reads it each interval. */
export interface LocalRoom extends RoomPresence {
  /** Sequence number of the latest join into the room here: it changes whenever a viewer joins. */
  readonly lastJoin: number;
}
