import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
} from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import type { RoomMessage } from './frames.js';

/** Where a room's messages are kept; {@link RoomLog} is the JetStream one. */
export interface MessageStore {
  /**
   * Stores `message` under `dedupId` unless a message was stored under that id within the duplicate
   * window; resolves, once captured, to the stored message: `message`, or the earlier one (parsed JSON).
   */
  append(room: string, message: RoomMessage, dedupId: string): Promise<unknown>;
  /** The room's last `limit` messages, oldest first, as stored (parsed JSON). */
  recent(room: string, limit: number): Promise<unknown[]>;
}

/** Options of {@link RoomLog.open}. */
export interface RoomLogOptions {
  nc: NatsConnection;
  /** Capture stream, e.g. "CHAT"; the bounded history stream is `<stream>_HISTORY`. */
  stream: string;
  /** Subject prefix, e.g. "chat.room"; a room's subject is `<prefix>.<room>`. */
  subjectPrefix: string;
  /** Messages kept per room in the history stream. */
  historySize: number;
  /** Max age of messages in both streams, ms. */
  retentionMs: number;
  log: Logger;
  /** Longest wait of a read for the history stream to catch up with the capture stream, ms. @default 2000 */
  catchUpMs?: number;
  /** Bound on a read, ms. @default 5000 */
  timeoutMs?: number;
  /** Bound on one publish ack, ms. @default 2000 */
  ackTimeoutMs?: number;
  /** Publishes of one append when the ack times out or no stream answers (same message id each time). @default 3 */
  appendAttempts?: number;
}

type StreamSettings = Parameters<JetStreamManager['streams']['add']>[0];

/** JetStream's stream-source header on a sourced message: "<stream>[:<hash>] <sequence> ...". */
const SOURCE_HEADER = 'Nats-Stream-Source';
const NS_PER_MS = 1_000_000;
const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;
/** JetStream API error code of "stream not found" (nats-server JSStreamNotFoundErr). */
const STREAM_NOT_FOUND = 10059;
/** The limits this log sets, compared with an existing stream's and updated when they differ. */
const LIMITS = ['max_age', 'max_msgs_per_subject', 'duplicate_window'] as const;

/**
 * A room's messages in JetStream (nats-server ≥ 2.9). Every message is published to `<prefix>.<room>`
 * and acknowledged by the capture stream `<stream>` (all rooms, max age), which also feeds the viewers
 * (see streamBus). A second stream
 * `<stream>_HISTORY` sources the first and keeps the last `historySize` messages per subject
 * (`max_msgs_per_subject`), so a room's recent messages are read with one ordered consumer filtered on
 * its subject, however busy the other rooms are. Sourcing is asynchronous: a read first waits (bounded)
 * until the history stream holds the capture stream's last message of the room, so a message that was
 * acknowledged before the read is in it.
 */
export class RoomLog implements MessageStore {
  private readonly js: JetStreamClient;
  private readonly history: string;
  private readonly log: Logger;
  private readonly catchUpMs: number;
  private readonly timeoutMs: number;
  private readonly ackTimeoutMs: number;
  private readonly appendAttempts: number;

  private constructor(
    nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly options: RoomLogOptions,
  ) {
    this.js = jetstream(nc);
    this.history = `${options.stream}_HISTORY`;
    this.log = options.log.child({ component: 'room-log' });
    this.catchUpMs = options.catchUpMs ?? 2000;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 2000;
    this.appendAttempts = options.appendAttempts ?? 3;
  }

  /** Creates the two streams when missing (updating their limits when they differ) and returns the log. */
  static async open(options: RoomLogOptions): Promise<RoomLog> {
    const roomLog = new RoomLog(options.nc, await jetstreamManager(options.nc), options);
    await roomLog.ensureStreams();
    return roomLog;
  }

  /** The NATS subject of a room. */
  subject(room: string): string {
    return `${this.options.subjectPrefix}.${room}`;
  }

  /**
   * Publishes `message` to its room's subject with `dedupId` as its JetStream message id (Nats-Msg-Id)
   * and waits for the capture stream's ack. An ack that times out, or no stream answering, is retried
   * up to `appendAttempts` publishes in all with the same id: the stream's duplicate window keeps one
   * copy if an earlier publish was stored after all. A duplicate ack names the earlier message's
   * sequence; that message is read back and returned.
   * @throws when no publish is acknowledged, or the stream refuses the message (JetStream API error).
   */
  async append(room: string, message: RoomMessage, dedupId: string): Promise<unknown> {
    const ack = await this.js.publish(this.subject(room), JSON.stringify(message), {
      msgID: dedupId,
      timeout: this.ackTimeoutMs,
      retries: this.appendAttempts,
    });
    if (!ack.duplicate) return message;
    const earlier = await this.jsm.streams.getMessage(this.options.stream, { seq: ack.seq });
    if (!earlier) throw new Error(`message ${ack.seq} of stream ${ack.stream} is gone`);
    return earlier.json<unknown>();
  }

  /** The room's last `limit` messages (at most `historySize`), oldest first. */
  async recent(room: string, limit: number): Promise<unknown[]> {
    const subject = this.subject(room);
    await this.awaitHistory(room, subject);
    const consumer = await this.js.consumers.get(this.history, { filter_subjects: subject });
    try {
      const pending = (await consumer.info(true)).num_pending;
      if (pending === 0) return [];
      const messages: unknown[] = [];
      for await (const m of await consumer.fetch({ max_messages: pending, expires: this.timeoutMs })) {
        try {
          messages.push(JSON.parse(m.string()));
        } catch (err) {
          this.log.warn({ err, room, seq: m.seq }, 'skipping unreadable message');
        }
        if (m.info.pending === 0) break;
      }
      return messages.slice(-Math.max(1, Math.min(limit, this.options.historySize)));
    } finally {
      await consumer.delete().catch((err: unknown) => this.log.debug({ err }, 'consumer delete failed'));
    }
  }

  /** Waits until the history stream has sourced the capture stream's last message on `subject`. */
  private async awaitHistory(room: string, subject: string): Promise<void> {
    const target = await this.jsm.streams.getMessage(this.options.stream, { last_by_subj: subject });
    if (!target) return;
    const deadline = Date.now() + this.catchUpMs;
    for (;;) {
      const last = await this.jsm.streams.getMessage(this.history, { last_by_subj: subject });
      const sourced = Number(last?.header?.get(SOURCE_HEADER).split(' ')[1] ?? 0);
      if (sourced >= target.seq) return;
      if (Date.now() > deadline) {
        this.log.warn({ room, seq: target.seq, sourced }, 'history lags behind capture');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async ensureStreams(): Promise<void> {
    const { stream, subjectPrefix, historySize, retentionMs } = this.options;
    const limits = {
      max_age: retentionMs * NS_PER_MS,
      duplicate_window: Math.min(DEFAULT_DUPLICATE_WINDOW_MS, retentionMs) * NS_PER_MS,
    };
    await this.ensureStream({ name: stream, subjects: [`${subjectPrefix}.*`], ...limits });
    await this.ensureStream({
      name: this.history,
      sources: [{ name: stream }],
      max_msgs_per_subject: historySize,
      ...limits,
    });
  }

  private async ensureStream(settings: StreamSettings & { name: string }): Promise<void> {
    const { name } = settings;
    let existing = await this.streamConfig(name);
    if (!existing) {
      try {
        await this.jsm.streams.add(settings);
        this.log.info({ stream: name }, 'stream created');
        return;
      } catch (err) {
        existing = await this.streamConfig(name);
        if (!existing) throw err;
      }
    }
    const current = existing;
    const changed = LIMITS.filter((key) => settings[key] !== undefined && current[key] !== settings[key]);
    if (changed.length > 0) {
      await this.jsm.streams.update(name, Object.fromEntries(changed.map((key) => [key, settings[key]])));
      this.log.info({ stream: name, changed }, 'stream limits updated');
    } else this.log.info({ stream: name }, 'stream ready');
  }

  /** A stream's configuration; undefined when there is no such stream. */
  private async streamConfig(name: string): Promise<StreamSettings | undefined> {
    try {
      return (await this.jsm.streams.info(name)).config;
    } catch (err) {
      if ((err as { code?: unknown }).code === STREAM_NOT_FOUND) return undefined;
      throw err;
    }
  }
}
