import { Kvm, type NatsConnection } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import { roomIdSchema } from '../fields.js';
import type { RoomMessage } from '../frames.js';
import { rejected, type Result } from '../result.js';
import { validate } from '../validate.js';
import { AuditLog, type AuditEntry } from './audit-log.js';
import { moderationActionSchema } from './moderation-action.js';
import { ModerationStore, type HeldChange } from './moderation-store.js';
import { performAction } from './perform-action.js';
import type { RoomEditor } from '../room-editor.js';
import { checkPost, type Verdict } from './post-check.js';
import { PostTimes } from './post-times.js';
import { isModerator, posterRank } from './poster-rank.js';
import type { Poster } from '../identity.js';
import { effectiveSettings, type EffectiveRoomSettings, type RoomDefaults } from './room-state.js';

/** Options of {@link Moderation.open}. */
export interface ModerationOptions {
  nc: NatsConnection;
  /** The capture stream, e.g. "CHAT": state goes to KV bucket `<stream>_MODERATION`, the audit log to `<stream>_AUDIT`. */
  stream: string;
  /** Subject prefix of the audit log, e.g. "chat.audit"; must not overlap the rooms' `<prefix>.*`. */
  auditSubjectPrefix: string;
  editor: RoomEditor;
  /** Settings of rooms no moderator has changed (`guests` and the overload control from config). */
  defaults: RoomDefaults;
  log: Logger;
  /** Copies of the KV bucket and the audit stream in a NATS cluster (1–5). @default 1 */
  replicas?: number;
  /** Wall clock, unix epoch ms. @default Date.now */
  now?: () => number;
  /** How long audit entries are kept, ms. @default 90 days */
  auditMaxAgeMs?: number;
  /** Core NATS subject prefix on which instances share post times (slow mode). @default `moderation.<stream>.posts` */
  postTimesSubjectPrefix?: string;
  /** Wait after a blocked-term change before the room's matcher is rebuilt, ms. @default 50 */
  compileDelayMs?: number;
}

/** Change listeners of held posts. */
export type HeldListener = (room: string, change: { held: RoomMessage } | { released: string }) => void;

/**
 * Moderation of a message service's rooms: bans and timeouts, slow mode, followers, subscribers and guests modes,
 * overload control, blocked terms (refuse, mask, hold for review), deletes and clears. State is a JetStream KV bucket every instance
 * watches, so {@link check} is synchronous and a change made on any instance applies on all within the watch's
 * delivery time (milliseconds), and survives restarts; every action is audited in a JetStream stream.
 */
export class Moderation {
  private readonly log: Logger;
  private readonly now: () => number;

  private constructor(
    private readonly options: ModerationOptions,
    private readonly listeners: Set<HeldListener>,
    private readonly store: ModerationStore,
    private readonly auditLog: AuditLog,
    private readonly postTimes: PostTimes,
  ) {
    this.log = options.log.child({ component: 'moderation' });
    this.now = options.now ?? Date.now;
  }

  /**
   * Opens (creating when missing) the KV bucket and the audit stream, loads the state and starts watching it.
   * @throws when NATS or JetStream does not answer, or the audit stream's subjects overlap another stream's.
   */
  static async open(options: ModerationOptions): Promise<Moderation> {
    const { nc, stream, log } = options;
    const listeners = new Set<HeldListener>();
    const auditLog = await AuditLog.open({
      nc,
      stream: `${stream}_AUDIT`,
      subjectPrefix: options.auditSubjectPrefix,
      log,
      replicas: options.replicas,
      ...(options.auditMaxAgeMs === undefined ? {} : { maxAgeMs: options.auditMaxAgeMs }),
    });
    const store = await ModerationStore.open({
      kvm: new Kvm(nc),
      bucket: `${stream}_MODERATION`,
      log,
      replicas: options.replicas,
      onHeld: (room, change) => tell(listeners, room, change, log),
      ...(options.compileDelayMs === undefined ? {} : { compileDelayMs: options.compileDelayMs }),
    });
    const postTimes = new PostTimes(
      nc,
      options.postTimesSubjectPrefix ?? `moderation.${stream}.posts`,
      (room, userId, atMs) => store.room(room).recordPost(userId, atMs),
      log,
    );
    const moderation = new Moderation(options, listeners, store, auditLog, postTimes);
    moderation.log.info({ stream }, 'opened');
    return moderation;
  }

  /** What the room's rules say about `poster` posting `text` now (see checkPost); synchronous, from the local copy. */
  check(room: string, poster: Poster, text: string): Verdict {
    return checkPost(this.store.room(room), this.options.defaults, poster, text, this.now());
  }

  /** Slow-mode bookkeeping once a post is stored: the poster's last post is now, on every instance. */
  recordPost(room: string, poster: Poster): void {
    this.rememberStaff(poster);
    if (isModerator(poster)) return;
    const state = this.store.room(room);
    const nowMs = this.now();
    state.recordPost(poster.userId, nowMs);
    if (state.settingsOr(this.options.defaults).slowModeS > 0) this.postTimes.announce(room, poster.userId, nowMs);
  }

  /**
   * Keeps a held post for review (a check said hold); every instance's {@link onHeld} listeners hear of it.
   * @throws when the KV bucket does not acknowledge it.
   */
  async hold(message: RoomMessage): Promise<void> {
    await this.store.putHeld(message);
  }

  /**
   * Carries out a moderation action of `actor` in `room`: authorizes (FORBIDDEN below moderator), validates
   * (INVALID_ARGUMENT, see moderationActionSchema), changes the state, stores the room's event and audits it.
   * Other expected failures: NOT_FOUND, PERMISSION_DENIED (see performAction), UNAVAILABLE (NATS or the editor
   * failed; logged).
   */
  async apply(actor: Poster, room: string, action: unknown): Promise<Result<void>> {
    const roomCheck = validate(roomIdSchema, room);
    if (!roomCheck.ok) return { ok: false, rejection: { ...roomCheck.rejection, field: 'room' } };
    if (!isModerator(actor)) return rejected('FORBIDDEN', 'only moderators, the broadcaster and admins may moderate');
    const parsed = validate(moderationActionSchema, action);
    if (!parsed.ok) return parsed;
    const { reason, ...what } = parsed.value;
    const nowMs = this.now();
    const log = this.log.child({ room });
    let result: Result<void>;
    try {
      this.rememberStaff(actor);
      const context = {
        store: this.store,
        editor: this.options.editor,
        defaults: this.options.defaults,
        settings: (r: string) => this.settings(r),
        nowMs,
      };
      result = await performAction(context, actor, room, parsed.value);
    } catch (err) {
      log.error({ err, action: what.action }, 'moderation action failed');
      return rejected('UNAVAILABLE', 'the action could not be carried out; try again');
    }
    if (!result.ok) return result;
    const actorRef = { userId: actor.userId, name: actor.name };
    const entry: AuditEntry = { room, actor: actorRef, action: what, atMs: nowMs, ...(reason ? { reason } : {}) };
    log.info({ action: what.action, actor: actor.userId }, 'moderation action');
    await this.auditLog.append(entry).catch((err: unknown) => log.error({ err, entry }, 'audit append failed'));
    return result;
  }

  /**
   * The room's settings in force (its own, the instance's defaults for what it has not set) and how many terms it
   * blocks (for the welcome and room_state frames, the room's limits and its overload filter).
   */
  settings(room: string): EffectiveRoomSettings & { blockedTerms: number } {
    const state = this.store.room(room);
    const defaults = this.options.defaults;
    return { ...effectiveSettings(state.settingsOr(defaults), defaults), blockedTerms: state.terms.size };
  }

  /** The room's posts waiting for review, oldest first. */
  held(room: string): RoomMessage[] {
    return [...this.store.room(room).held.values()];
  }

  /** Listens to held posts and their releases in every room, from every instance; returns the unsubscribe. */
  onHeld(listener: HeldListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The room's last `limit` audit entries, newest last.
   * @throws when JetStream does not answer.
   */
  async audit(room: string, limit: number): Promise<AuditEntry[]> {
    return this.auditLog.recent(room, limit);
  }

  /** Stops watching the state and hearing post times. */
  async close(): Promise<void> {
    this.log.info('closing');
    this.postTimes.close();
    this.store.close();
    this.log.info('closed');
  }

  /**
   * Stores the rank of a moderator, broadcaster or admin seen, so moderators cannot ban them (PERMISSION_DENIED),
   * and forgets it when such a user comes back with a lower role.
   */
  private rememberStaff(poster: Poster): void {
    this.store
      .putStaff(poster.userId, isModerator(poster) ? posterRank(poster) : undefined)
      .catch((err: unknown) => this.log.warn({ err, userId: poster.userId }, 'staff rank not stored'));
  }
}

/** Tells every listener of a held-post change; a failing listener is logged and the others still hear it. */
function tell(listeners: Set<HeldListener>, room: string, change: HeldChange, log: Logger): void {
  for (const listener of listeners) {
    try {
      listener(room, change);
    } catch (err) {
      log.error({ err, room }, 'held listener failed');
    }
  }
}
