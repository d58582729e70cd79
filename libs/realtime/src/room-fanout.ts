import type { Logger } from '@onair/runtime';
import type { LocalRoom, PresenceUser } from './presence-message.js';
import type { FrameBatch, WindowFilter } from './room-batch.js';
import { ViewerGroups } from './viewer-groups.js';

/** Someone in a room: receives every frame delivered to the room. */
export interface RoomMember {
  /**
   * Takes one frame (JSON text) or a batch of them ({@link FrameBatch}: the same object goes to every member of the
   * room). Must not throw; a slow member deals with its own backlog.
   */
  deliver(frame: string | FrameBatch): void;
  /** Who the member is, for presence's users list; null or absent: anonymous (counted, not listed). */
  readonly viewer?: PresenceUser | null;
  /** True for a moderator, broadcaster or admin: it also gets the room's held posts. */
  readonly moderates?: boolean;
}

/** An active subscription of a {@link Bus}. */
export interface BusSubscription {
  /** Ends the subscription; resolves once the bus has let go of it. Never rejects. */
  unsubscribe(): Promise<void>;
}

/** The message bus rooms are fanned out through (in production the JetStream capture stream, see streamBus). */
export interface Bus {
  /**
   * Subscribes to `subject`, calling `onMessage` with each message in order; resolves once every
   * message that reaches the bus after this call is sure to be delivered.
   */
  subscribe(subject: string, onMessage: (data: string) => void): Promise<BusSubscription>;
}

interface Room {
  readonly members: Set<RoomMember>;
  readonly groups: ViewerGroups<RoomMember>;
  readonly subscription: Promise<BusSubscription>;
  /** {@link RoomFanout.joins} at the latest join. */
  lastJoin: number;
}

/**
 * This instance's rooms: which members (sockets) are in each, and one bus subscription per room with
 * members (subscribed on the first member, unsubscribed after the last). What the bus delivers for a
 * room goes to each of its members here, so every instance serves its own viewers, gathered per room into
 * batch windows when `batchWindowMs` is above 0, a big room's members in groups whose windows are out of step
 * ({@link ViewerGroups}).
 */
export class RoomFanout {
  private readonly rooms = new Map<string, Room>();
  private readonly ending = new Set<Promise<void>>();
  /** Joins so far, over all rooms. */
  private joins = 0;
  private readonly log: Logger;

  /**
   * @param subjectOf bus subject of a room, e.g. `danmaku.room.<room>`
   * @param batchWindowMs length of a room's batch window, ms; 0: every frame goes out on its own at once.
   * @param filterFor makes a window filter (e.g. overloadFilter) of `room` for each of its batch groups here;
   *   `counted` is true for one group of the room, the one whose filter should count what it merges and samples.
   */
  constructor(
    private readonly bus: Bus,
    private readonly subjectOf: (room: string) => string,
    log: Logger,
    private readonly batchWindowMs = 0,
    private readonly filterFor?: (room: string, counted: boolean) => WindowFilter,
  ) {
    this.log = log.child({ component: 'fanout' });
  }

  /**
   * Adds `member` to `room`; resolves once the room's subscription is active, so every message
   * published after that reaches the member.
   * @throws the bus's error when the subscription fails (the member is removed again).
   */
  async join(room: string, member: RoomMember): Promise<void> {
    let entry = this.rooms.get(room);
    if (!entry) {
      const filterFor = this.filterFor;
      const groups = new ViewerGroups<RoomMember>(
        this.batchWindowMs,
        filterFor && ((counted) => filterFor(room, counted)),
      );
      const created: Room = {
        members: new Set(),
        groups,
        subscription: this.subscribe(room, groups),
        lastJoin: 0,
      };
      created.subscription.catch(() => {
        if (this.rooms.get(room) === created) this.rooms.delete(room);
      });
      this.rooms.set(room, created);
      entry = created;
    }
    entry.members.add(member);
    entry.groups.add(member, entry.members.size);
    entry.lastJoin = ++this.joins;
    try {
      await entry.subscription;
    } catch (err) {
      entry.members.delete(member);
      entry.groups.remove(member);
      throw err;
    }
  }

  /** Removes `member` from `room`; the room's subscription ends with its last member. */
  leave(room: string, member: RoomMember): void {
    const entry = this.rooms.get(room);
    if (!entry?.members.delete(member)) return;
    entry.groups.remove(member);
    if (entry.members.size > 0) return;
    this.rooms.delete(room);
    this.unsubscribe(room, entry);
  }

  /** Members per room, for rooms with members. */
  viewerCounts(): Map<string, number> {
    return new Map([...this.rooms].map(([room, entry]) => [room, entry.members.size]));
  }

  /**
   * Per room with members: members (`viewers`), the latest join, and the distinct identified viewers (by userId,
   * see {@link RoomMember.viewer}) when there are at most `usersLimit` of them.
   */
  localRooms(usersLimit: number): Map<string, LocalRoom> {
    const rooms = new Map<string, LocalRoom>();
    for (const [room, { members, lastJoin }] of this.rooms) {
      const users = new Map<string, PresenceUser>();
      for (const member of members) {
        if (users.size > usersLimit) break;
        const viewer = member.viewer;
        if (viewer) users.set(viewer.userId, { userId: viewer.userId, name: viewer.name });
      }
      const viewers = members.size;
      rooms.set(
        room,
        users.size > usersLimit ? { viewers, lastJoin } : { viewers, lastJoin, users: [...users.values()] },
      );
    }
    return rooms;
  }

  /**
   * Delivers `frame` to the members of `room` on this instance only (not through the bus); with `moderatorsOnly`, to
   * those that moderate ({@link RoomMember.moderates}).
   */
  broadcastLocal(room: string, frame: string, moderatorsOnly = false): void {
    for (const member of this.rooms.get(room)?.members ?? []) {
      if (!moderatorsOnly || member.moderates === true) member.deliver(frame);
    }
  }

  /** Ends every subscription (members are not told; close them first); resolves once all have ended. */
  async close(): Promise<void> {
    for (const [room, entry] of this.rooms) {
      entry.members.clear();
      this.unsubscribe(room, entry);
    }
    this.rooms.clear();
    await Promise.all([...this.ending]);
  }

  /** Subscribes `room`, handing its frames to `groups` (those of this subscription's own entry). */
  private async subscribe(room: string, groups: ViewerGroups<RoomMember>): Promise<BusSubscription> {
    const subscription = await this.bus.subscribe(this.subjectOf(room), (data) => groups.push(data));
    this.log.debug({ room }, 'room subscribed');
    return subscription;
  }

  /** Ends the room's subscription in the background; {@link close} waits for it. */
  private unsubscribe(room: string, entry: Room): void {
    entry.groups.close();
    const ended = entry.subscription.then(
      async (subscription) => {
        await subscription.unsubscribe();
        this.log.debug({ room }, 'room unsubscribed');
      },
      () => undefined,
    );
    this.ending.add(ended);
    void ended.then(() => this.ending.delete(ended));
  }
}
