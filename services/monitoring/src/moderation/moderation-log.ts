import type { ModerationAction } from '../status/status-types.js';

/** Options of {@link ModerationLog}. */
export interface ModerationLogOptions {
  /** Actions kept at most, the oldest dropped first. @default 200 */
  capacity?: number;
  /** Rooms (per service) whose latest action is remembered for de-duplication at most. @default 10_000 */
  maxRooms?: number;
}

/** What the log remembers of one room of one service: its latest action's time and the actions at that time. */
interface Watermark {
  atMs: number;
  keys: Set<string>;
}

const actionKey = (a: ModerationAction): string =>
  JSON.stringify([a.atMs, a.action, a.detail, a.actor, a.target, a.reason]);

/**
 * The recent moderation actions of every live room, de-duplicated and bounded. Every instance of a service answers
 * the same audit log (it lives in NATS), and each poll answers a room's latest actions again, so an action is new
 * only when it is later than the latest one seen of its room and service, or as late and not seen yet. Memory is
 * bounded: `capacity` actions and `maxRooms` watermarks (the least recently added room forgotten first).
 */
export class ModerationLog {
  readonly #capacity: number;
  readonly #maxRooms: number;
  readonly #watermarks = new Map<string, Watermark>();
  readonly #listeners = new Set<(added: ModerationAction[]) => void>();
  #actions: ModerationAction[] = [];

  /** @throws RangeError when `capacity` or `maxRooms` is not a positive integer. */
  constructor({ capacity = 200, maxRooms = 10_000 }: ModerationLogOptions = {}) {
    for (const [name, n] of [
      ['capacity', capacity],
      ['maxRooms', maxRooms],
    ] as const)
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`moderation log ${name} ${n} is not >= 1`);
    this.#capacity = capacity;
    this.#maxRooms = maxRooms;
  }

  /**
   * Adds what one poll of a room's audit log answered (any order); tells every listener the actions that were new.
   * @returns the new actions, oldest first.
   */
  add(actions: readonly ModerationAction[]): ModerationAction[] {
    const added: ModerationAction[] = [];
    for (const action of [...actions].sort((a, b) => a.atMs - b.atMs)) {
      const scope = `${action.service}\u0000${action.room}`;
      const key = actionKey(action);
      const mark = this.#watermarks.get(scope);
      if (mark && (action.atMs < mark.atMs || (action.atMs === mark.atMs && mark.keys.has(key)))) continue;
      if (mark && action.atMs === mark.atMs) mark.keys.add(key);
      else {
        this.#watermarks.delete(scope);
        this.#watermarks.set(scope, { atMs: action.atMs, keys: new Set([key]) });
      }
      added.push(action);
    }
    while (this.#watermarks.size > this.#maxRooms) this.#watermarks.delete(this.#watermarks.keys().next().value!);
    if (added.length === 0) return added;
    this.#actions = [...this.#actions, ...added].sort((a, b) => a.atMs - b.atMs).slice(-this.#capacity);
    for (const listener of this.#listeners) listener(added);
    return added;
  }

  /** The kept actions, oldest first. */
  recent(): ModerationAction[] {
    return [...this.#actions];
  }

  /** Calls `listener` with the new actions of each {@link add} that had any; returns the function that unsubscribes. */
  subscribe(listener: (added: ModerationAction[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
