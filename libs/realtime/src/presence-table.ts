import type { PresenceMessage, PresenceUser, RoomPresence } from './presence-message.js';

interface InstanceEntry {
  readonly rooms: ReadonlyMap<string, RoomPresence>;
  /** When the instance was last heard from, ms of the table's clock. */
  readonly seenAtMs: number;
}

const NOBODY: RoomPresence = { viewers: 0, users: [] };

function byNameThenId(a: PresenceUser, b: PresenceUser): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

/**
 * What every instance last said it has (its rooms, from its latest presence message) and when it was heard
 * from; an instance silent for `expireMs` no longer counts and is forgotten by {@link expire}. Memory is the
 * latest message of each instance heard within `expireMs` that has viewers.
 */
export class PresenceTable {
  private readonly instances = new Map<string, InstanceEntry>();

  /**
   * @param expireMs an instance not heard from for this long no longer counts, ms.
   * @param usersLimit most users listed per room over all instances.
   */
  constructor(
    private readonly expireMs: number,
    private readonly usersLimit: number,
  ) {}

  /** Live instances known (those with viewers). */
  get size(): number {
    return this.instances.size;
  }

  /** Takes `message`, heard at `nowMs`, as all its instance has; an instance without rooms is forgotten. */
  update(message: PresenceMessage, nowMs: number): void {
    if (message.rooms.size === 0) this.instances.delete(message.instance);
    else this.instances.set(message.instance, { rooms: message.rooms, seenAtMs: nowMs });
  }

  /** Forgets the instances not heard from for `expireMs` before `nowMs`; returns their ids. */
  expire(nowMs: number): string[] {
    const expired: string[] = [];
    for (const [instance, entry] of this.instances) {
      if (!this.live(entry, nowMs)) {
        this.instances.delete(instance);
        expired.push(instance);
      }
    }
    return expired;
  }

  /**
   * `room` over the instances live at `nowMs`: viewers summed; users the union by userId, sorted by name, when every
   * instance with the room listed its users and there are at most `usersLimit` of them.
   */
  room(room: string, nowMs: number): RoomPresence {
    let viewers = 0;
    let users: Map<string, PresenceUser> | undefined = new Map();
    for (const entry of this.instances.values()) {
      const here = entry.rooms.get(room);
      if (here === undefined || !this.live(entry, nowMs)) continue;
      viewers += here.viewers;
      if (users === undefined) continue;
      if (here.users === undefined) users = undefined;
      else for (const user of here.users) users.set(user.userId, user);
      if (users !== undefined && users.size > this.usersLimit) users = undefined;
    }
    if (viewers === 0) return NOBODY;
    return users === undefined ? { viewers } : { viewers, users: [...users.values()].sort(byNameThenId) };
  }

  private live(entry: InstanceEntry, nowMs: number): boolean {
    return nowMs - entry.seenAtMs < this.expireMs;
  }
}
