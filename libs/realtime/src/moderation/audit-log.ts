import { ensureStream, jetstream, jetstreamManager, type JetStreamClient, type NatsConnection } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import type { ModerationAction } from './moderation-action.js';

/** One moderation action as the audit log keeps it. */
export interface AuditEntry {
  readonly room: string;
  /** Who acted. */
  readonly actor: { readonly userId: string; readonly name: string };
  /** What was done: the action without its reason. */
  readonly action: ModerationAction;
  /** Why, as the actor said. */
  readonly reason?: string;
  /** When, unix epoch ms. */
  readonly atMs: number;
}

/** Options of {@link AuditLog.open}. */
export interface AuditLogOptions {
  nc: NatsConnection;
  /** JetStream stream, e.g. "CHAT_AUDIT". */
  stream: string;
  /** Subject prefix, e.g. "chat.audit"; a room's entries go to `<prefix>.<room>`. */
  subjectPrefix: string;
  /** How long entries are kept, ms. @default 90 days */
  maxAgeMs?: number;
  log: Logger;
  /** Copies of the stream in a NATS cluster (1–5); an existing stream with fewer is raised. @default 1 */
  replicas?: number;
  /** Bound on one read, ms. @default 5000 */
  timeoutMs?: number;
}

const NS_PER_MS = 1_000_000;
const DEFAULT_MAX_AGE_MS = 90 * 24 * 3600 * 1000;

/** The audit log of moderation actions: a JetStream stream with one subject per room, entries kept `maxAgeMs`. */
export class AuditLog {
  private readonly log: Logger;

  private constructor(
    private readonly js: JetStreamClient,
    private readonly options: AuditLogOptions,
  ) {
    this.log = options.log.child({ component: 'audit-log' });
  }

  /**
   * Creates the stream when missing, or updates its max age when it differs and its replicas when fewer.
   * @throws when JetStream does not answer or refuses the stream (e.g. its subjects overlap another stream's).
   */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    const jsm = await jetstreamManager(options.nc);
    const { stream, subjectPrefix, maxAgeMs = DEFAULT_MAX_AGE_MS } = options;
    const settings = { name: stream, subjects: [`${subjectPrefix}.*`], max_age: maxAgeMs * NS_PER_MS };
    await ensureStream(jsm, settings, { replicas: options.replicas, updatable: ['max_age'], log: options.log });
    return new AuditLog(jetstream(options.nc), options);
  }

  /** Appends `entry` to its room's log. @throws when the stream does not acknowledge it. */
  async append(entry: AuditEntry): Promise<void> {
    await this.js.publish(`${this.options.subjectPrefix}.${entry.room}`, JSON.stringify(entry), { retries: 3 });
  }

  /** The room's last `limit` entries, oldest first (the room's whole log is read). */
  async recent(room: string, limit: number): Promise<AuditEntry[]> {
    const consumer = await this.js.consumers.get(this.options.stream, {
      filter_subjects: `${this.options.subjectPrefix}.${room}`,
    });
    try {
      const pending = (await consumer.info(true)).num_pending;
      const entries: AuditEntry[] = [];
      if (pending === 0) return entries;
      for await (const m of await consumer.fetch({ max_messages: pending, expires: this.options.timeoutMs ?? 5000 })) {
        entries.push(m.json<AuditEntry>());
        if (entries.length > limit) entries.shift();
        if (m.info.pending === 0) break;
      }
      return entries;
    } finally {
      await consumer.delete().catch((err: unknown) => this.log.debug({ err }, 'consumer delete failed'));
    }
  }
}
