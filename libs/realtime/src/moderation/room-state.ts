import type { RoomMessage } from '../frames.js';
import { BlockedTerms } from './blocked-terms.js';
import { SLOW_MODE_MAX_S, type TermAction } from './moderation-action.js';

/** Post times kept per room before old ones (past the longest slow-mode interval) are pruned. */
const POST_TIMES_PRUNE_AT = 1024;

/** Who may post in a room, besides moderators (who always may). */
export interface RoomSettings {
  /** Seconds a poster waits between posts; 0: slow mode off. */
  slowModeS: number;
  /** `followers`: signed-in posters only (no guests); `subscribers`: role subscriber or higher. */
  mode: 'everyone' | 'followers' | 'subscribers';
  /** Whether posters without a token may post. */
  guests: boolean;
  /** Overload control set for the room (see RoomOverload); each absent one is the instance's. */
  densityPerSec?: number;
  mergeIdentical?: boolean;
  roomRatePerSec?: number;
}

/**
 * The overload control of a room: messages per second a viewer gets at most before sampling (0: all), whether
 * identical texts of one batch window merge, and posts per second the room takes on one instance (0: no limit).
 */
export interface RoomOverload {
  readonly densityPerSec: number;
  readonly mergeIdentical: boolean;
  readonly roomRatePerSec: number;
}

/** Settings of rooms no moderator has set: `guests` and the overload control from the instance's config. */
export type RoomDefaults = { readonly guests: boolean } & RoomOverload;

/** The settings in force in a room: its own, else the defaults. */
export type EffectiveRoomSettings = Omit<RoomSettings, keyof RoomOverload> & RoomOverload;

/** The settings in force: `settings` (as stored, maybe lacking the overload control), the defaults for what they lack. */
export function effectiveSettings(settings: RoomSettings, defaults: RoomDefaults): EffectiveRoomSettings {
  return {
    slowModeS: settings.slowModeS,
    mode: settings.mode,
    guests: settings.guests,
    densityPerSec: settings.densityPerSec ?? defaults.densityPerSec,
    mergeIdentical: settings.mergeIdentical ?? defaults.mergeIdentical,
    roomRatePerSec: settings.roomRatePerSec ?? defaults.roomRatePerSec,
  };
}

/** A ban (`untilMs` null) or a timeout of one user in one room, as stored. */
export interface Ban {
  /** When the timeout ends, unix epoch ms; null for a ban without end. */
  readonly untilMs: number | null;
  /** Rank of the moderator who set it (see roleRank): it binds only posters of a lower rank. */
  readonly byRank: number;
  readonly atMs: number;
}

/** A post held for review, as it would have been delivered. */
export type HeldMessage = RoomMessage;

/** A blocked term as stored. */
export interface StoredTerm {
  /** The term as the moderator typed it (trimmed). */
  readonly term: string;
  readonly action: TermAction;
}

/** The moderation state of one room, as this instance knows it. */
export class RoomState {
  /** Undefined until a moderator changes a setting: the defaults apply. */
  settings: RoomSettings | undefined;
  /** By user id. */
  readonly bans = new Map<string, Ban>();
  readonly terms = new BlockedTerms();
  /** By message id, in the order they were held. */
  readonly held = new Map<string, HeldMessage>();
  /** Last post of each user, unix epoch ms (slow mode). */
  readonly lastPostMs = new Map<string, number>();
  private pruneAt = POST_TIMES_PRUNE_AT;

  /** The settings in force: the stored ones, or the defaults with `guests` from config. */
  settingsOr(defaults: { guests: boolean }): RoomSettings {
    return settingsOrDefaults(this.settings, defaults);
  }

  /** The active ban or timeout of `userId` at `nowMs`; an ended timeout counts as none. */
  banOf(userId: string, nowMs: number): Ban | undefined {
    const ban = this.bans.get(userId);
    if (ban === undefined || (ban.untilMs !== null && ban.untilMs <= nowMs)) return undefined;
    return ban;
  }

  /** Records a post of `userId` at `atMs` (unix epoch ms) unless a later one is known; prunes old post times. */
  recordPost(userId: string, atMs: number): void {
    if ((this.lastPostMs.get(userId) ?? -Infinity) < atMs) this.lastPostMs.set(userId, atMs);
    if (this.lastPostMs.size < this.pruneAt) return;
    const oldest = atMs - SLOW_MODE_MAX_S * 1000;
    for (const [user, postedMs] of this.lastPostMs) if (postedMs < oldest) this.lastPostMs.delete(user);
    this.pruneAt = Math.max(POST_TIMES_PRUNE_AT, 2 * this.lastPostMs.size);
  }
}

/** `settings`, or when a room has none stored, the defaults: no slow mode, everyone may post, `guests` from config. */
export function settingsOrDefaults(settings: RoomSettings | undefined, defaults: { guests: boolean }): RoomSettings {
  return settings ?? { slowModeS: 0, mode: 'everyone', guests: defaults.guests };
}
