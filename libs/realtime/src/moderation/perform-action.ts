import { PROTOCOL_VERSION } from '../frames.js';
import { accepted, rejected, type Result } from '../result.js';
import { normalizeTerm } from './blocked-terms.js';
import type { ModerationAction, OverloadAction } from './moderation-action.js';
import type { ModerationStore } from './moderation-store.js';
import { posterRank } from './poster-rank.js';
import type { Poster } from '../identity.js';
import {
  settingsOrDefaults,
  type EffectiveRoomSettings,
  type RoomDefaults,
  type RoomOverload,
  type RoomSettings,
} from './room-state.js';
import type { RoomEditor } from '../room-editor.js';

/** What {@link performAction} works on. */
export interface ActionContext {
  readonly store: ModerationStore;
  readonly editor: RoomEditor;
  /** Settings of rooms no moderator has changed yet come from here. */
  readonly defaults: RoomDefaults;
  /** The room's settings in force and blocked-term count, after the store has applied the change. */
  readonly settings: (room: string) => EffectiveRoomSettings & { blockedTerms: number };
  readonly nowMs: number;
}

/**
 * Carries out a validated action of an authorized moderator: changes the state, then stores the event viewers get
 * (`deleted`, `cleared`, `room_state`). Expected failures are values: NOT_FOUND (no such message, ban, term or held
 * post), PERMISSION_DENIED (a ban or timeout of someone ranked as high as the actor or higher).
 * @throws when NATS or the editor fails.
 */
export async function performAction(
  context: ActionContext,
  actor: Poster,
  room: string,
  action: ModerationAction,
): Promise<Result<void>> {
  const { store, editor } = context;
  const state = store.room(room);
  const event = async (type: string, fields: object): Promise<Result<void>> => {
    await editor.appendEvent(room, { v: PROTOCOL_VERSION, type, room, ...fields });
    return accepted(undefined);
  };
  const updateSettings = async (change: (current: RoomSettings) => RoomSettings): Promise<Result<void>> => {
    await store.updateSettings(room, (stored) => change(settingsOrDefaults(stored, context.defaults)));
    return event('room_state', context.settings(room));
  };
  const changeSettings = (change: Partial<RoomSettings>) => updateSettings((current) => ({ ...current, ...change }));
  switch (action.action) {
    case 'delete':
      if (!(await editor.remove(room, action.id))) return rejected('NOT_FOUND', 'no such message in the room', 'id');
      return event('deleted', { id: action.id });
    case 'clear':
      await editor.purge(room);
      return event('cleared', {});
    case 'timeout':
    case 'ban': {
      const actorRank = posterRank(actor);
      if ((store.staffRank(action.userId) ?? 0) >= actorRank) {
        return rejected('PERMISSION_DENIED', 'you may not ban or time out someone of your rank or higher', 'userId');
      }
      const untilMs = action.action === 'timeout' ? context.nowMs + action.seconds * 1000 : null;
      await store.putBan(room, action.userId, { untilMs, byRank: actorRank, atMs: context.nowMs });
      return accepted(undefined);
    }
    case 'unban':
      if (!(await store.deleteBan(room, action.userId))) {
        return rejected('NOT_FOUND', 'the user is not banned or timed out in the room', 'userId');
      }
      return accepted(undefined);
    case 'slow':
      return changeSettings({ slowModeS: action.seconds });
    case 'followers':
    case 'subscribers':
      if (action.on) return changeSettings({ mode: action.action });
      return updateSettings((current) => ({
        ...current,
        mode: current.mode === action.action ? 'everyone' : current.mode,
      }));
    case 'guests':
      return changeSettings({ guests: action.on });
    case 'overload':
      return updateSettings((current) => ({
        ...(action.reset ? withoutOverload(current) : current),
        ...overloadOf(action),
      }));
    case 'block_term':
      await store.putTerm(room, normalizeTerm(action.term), { term: action.term, action: action.termAction });
      return event('room_state', context.settings(room));
    case 'unblock_term':
      if (!state.terms.has(action.term)) return rejected('NOT_FOUND', 'the term is not blocked in the room', 'term');
      await store.deleteTerm(room, normalizeTerm(action.term));
      return event('room_state', context.settings(room));
    case 'approve':
    case 'deny':
      return review(store, editor, room, action.id, action.action === 'approve');
  }
}

/** The overload fields an `overload` action sets (those it names). */
function overloadOf(action: OverloadAction): Partial<RoomOverload> {
  const { densityPerSec, mergeIdentical, roomRatePerSec } = action;
  return definedOnly({ densityPerSec, mergeIdentical, roomRatePerSec });
}

/** The settings without any overload field: the instance's defaults then apply. */
function withoutOverload({ slowModeS, mode, guests }: RoomSettings): RoomSettings {
  return { slowModeS, mode, guests };
}

/** `fields` without its undefined members, so they are not stored as set. */
function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Releases a held post: delivered through the editor (approve) or dropped (deny). */
async function review(
  store: ModerationStore,
  editor: RoomEditor,
  room: string,
  id: string,
  approve: boolean,
): Promise<Result<void>> {
  const held = await store.claimHeld(room, id);
  if (held === undefined) return rejected('NOT_FOUND', 'no such held message in the room', 'id');
  if (!approve) return accepted(undefined);
  try {
    await editor.appendMessage(room, held);
  } catch (err) {
    await store.putHeld(held);
    throw err;
  }
  return accepted(undefined);
}
