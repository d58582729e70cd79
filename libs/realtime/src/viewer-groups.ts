import { RoomBatcher, type FrameBatch, type WindowFilter } from './room-batch.js';

/** Members of a room a batch group holds before the room gets another group. */
export const MEMBERS_PER_GROUP = 500;
/** Most batch groups a room has. */
export const MAX_GROUPS = 16;

/** Someone a group delivers to (RoomFanout's RoomMember). */
export interface GroupMember {
  deliver(frame: string | FrameBatch): void;
}

interface Group<M extends GroupMember> {
  readonly members: Set<M>;
  readonly batcher: RoomBatcher;
}

/**
 * Where in a window group `index`'s windows end, as the share of a window its first one lasts: 1, 1/2, 1/4, 3/4,
 * 1/8, 5/8, … (the base-2 van der Corput sequence), so that however many groups a room has, their window ends are
 * spread over the window.
 */
export function groupPhase(index: number): number {
  if (index === 0) return 1;
  let phase = 0;
  let weight = 0.5;
  for (let i = index; i > 0; i >>= 1, weight /= 2) if (i & 1) phase += weight;
  return phase;
}

/**
 * One room's members on this instance split into batch groups, each with a batcher of its own whose windows end at
 * another point of the window ({@link groupPhase}): a busy room's frames still reach each member once per window,
 * but the writes to its sockets are spread over the window instead of all at its end, so the last socket of a big
 * room does not wait for the writes to every other one (10,000 sockets × 5–6 µs per write is 50–60 ms). A room gets
 * a group per {@link MEMBERS_PER_GROUP} members, at most {@link MAX_GROUPS}; a new member joins the smallest group.
 * With batching off (window 0) a room keeps one group.
 */
export class ViewerGroups<M extends GroupMember> {
  private readonly groups: Group<M>[] = [];

  /**
   * @param windowMs length of a batch window, ms (0: no batching).
   * @param filterFor makes the window filter of a new group; `counted` is true for the first group only, whose
   *   filter alone should count what it merges and samples (every group sees every frame of the room).
   */
  constructor(
    private readonly windowMs: number,
    private readonly filterFor?: (counted: boolean) => WindowFilter,
  ) {}

  /** Adds `member`; `roomMembers` is how many the room has with it. */
  add(member: M, roomMembers: number): void {
    const wanted = this.windowMs > 0 ? Math.min(MAX_GROUPS, Math.ceil(roomMembers / MEMBERS_PER_GROUP)) : 1;
    let group = this.groups.length < wanted ? this.newGroup() : this.groups[0]!;
    for (const other of this.groups) if (other.members.size < group.members.size) group = other;
    group.members.add(member);
  }

  /** Removes `member` from its group. */
  remove(member: M): void {
    for (const group of this.groups) if (group.members.delete(member)) return;
  }

  /** Takes the room's next frame: every group sends it at once or at the end of its window. */
  push(frame: string): void {
    for (const group of this.groups) group.batcher.add(frame);
  }

  /** Drops the frames still waiting and stops every group's window. */
  close(): void {
    for (const group of this.groups) group.batcher.close();
  }

  private newGroup(): Group<M> {
    const members = new Set<M>();
    const index = this.groups.length;
    const batcher = new RoomBatcher(
      this.windowMs,
      (batch) => {
        for (const member of members) member.deliver(batch);
      },
      this.filterFor?.(index === 0),
      this.windowMs * groupPhase(index),
    );
    const group = { members, batcher };
    this.groups.push(group);
    return group;
  }
}
