import { randomUUID } from 'node:crypto';
import {
  headers,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type MsgHdrs,
  type NatsConnection,
} from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import { withSeq, type RoomMessage } from './frames.js';
import type { RoomEditor } from './room-editor.js';
import type { MessageStore, RecoveredFrames } from './room-store.js';
import { ensureRoomStreams } from './room-streams.js';
import { EVENT_HEADER, isEvent, sourceSeq, storedText } from './stored-frame.js';
import { readSubject, type StoredMessage } from './subject-reader.js';

export type { MessageStore, RecoveredFrames } from './room-store.js';
export type { RoomEditor } from './room-editor.js';

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
  /** Copies of both streams in a NATS cluster (1–5); an existing stream with fewer is raised. @default 1 */
  replicas?: number;
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

/** Most frames one {@link RoomLog.since} returns unless told otherwise. */
export const SINCE_MAX_FRAMES = 10_000;

/**
 * A room's frames in JetStream (nats-server ≥ 2.9). Every frame is published to `<prefix>.<room>` and acknowledged
 * by the capture stream `<stream>` (all rooms, max age), whose sequence is the frame's `seq` everywhere: live
 * (streamBus), in history and in recovery ({@link since}). A second stream `<stream>_HISTORY` sources the first
 * and keeps the last `historySize` frames per subject (`max_msgs_per_subject`; events take slots too), so a room's
 * recent messages are read with one ordered consumer filtered on its subject, however busy the other rooms are.
 * Sourcing is asynchronous: a history read or edit first waits (bounded) until the history stream holds the
 * capture stream's last message of the room, so a message acknowledged before the call is in it.
 */
export class RoomLog implements MessageStore, RoomEditor {
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

  /** Creates the two streams when missing (updating their limits and replicas when they differ) and returns the log. */
  static async open(options: RoomLogOptions): Promise<RoomLog> {
    const roomLog = new RoomLog(options.nc, await jetstreamManager(options.nc), options);
    const { stream, subjectPrefix, historySize, retentionMs, replicas = 1 } = options;
    await ensureRoomStreams(
      roomLog.jsm,
      { stream, history: roomLog.history, subjectPrefix, historySize, retentionMs, replicas },
      roomLog.log,
    );
    return roomLog;
  }

  /** The NATS subject of a room. */
  subject(room: string): string {
    return `${this.options.subjectPrefix}.${room}`;
  }

  /**
   * Publishes `message` (without any `seq` it carries) to its room's subject with `dedupId` as its JetStream
   * message id (Nats-Msg-Id) and waits for the capture stream's ack. The publish is written to the connection
   * before this returns its promise, so appends called one after another are stored in call order (unless an
   * ack is lost and the publish retried). An ack that times out, or no stream answering, is retried up to
   * `appendAttempts` publishes in all with the same id: the stream's duplicate window keeps one copy if an
   * earlier publish was stored after all. A duplicate ack names the earlier message's sequence; that message is
   * read back and returned.
   * @returns the stored message with `seq`, its capture sequence
   * @throws when no publish is acknowledged, or the stream refuses the message (JetStream API error).
   */
  async append(room: string, message: RoomMessage, dedupId: string): Promise<unknown> {
    const ack = await this.publish(room, storedText(message), dedupId);
    if (!ack.duplicate) return { ...message, seq: ack.seq };
    const earlier = await this.jsm.streams.getMessage(this.options.stream, { seq: ack.seq });
    if (!earlier) throw new Error(`message ${ack.seq} of stream ${ack.stream} is gone`);
    return { ...earlier.json<object>(), seq: ack.seq };
  }

  /** The room's last `limit` messages (at most `historySize`; events left out), oldest first, each with `seq`. */
  async recent(room: string, limit: number): Promise<unknown[]> {
    const subject = this.subject(room);
    await this.awaitHistory(room, subject);
    const messages: unknown[] = [];
    for await (const m of readSubject(this.js, this.history, subject, { timeoutMs: this.timeoutMs, log: this.log })) {
      if (isEvent(m.headers)) continue;
      const seq = sourceSeq(m.headers);
      const text = seq === undefined ? undefined : withSeq(m.string(), seq);
      const message = text === undefined ? undefined : parseJson(text);
      if (message === undefined) this.log.warn({ room, seq: m.seq }, 'skipping unreadable message');
      else messages.push(message);
    }
    return messages.slice(-Math.max(1, Math.min(limit, this.options.historySize)));
  }

  /**
   * Every frame of the room (messages and events) stored in the capture stream after sequence `afterSeq`, oldest
   * first, at most `max`: what a client that saw `afterSeq` last has missed. Read until none is pending with an
   * ordered consumer filtered on the room's subject from `afterSeq + 1`.
   *
   * `complete` follows one rule: it is true only when, after the read, the capture stream's first sequence is at
   * most `afterSeq + 1` (and `afterSeq` is not beyond its last), i.e. the stream has dropped nothing stored after
   * `afterSeq`. The stream keeps no record of what its limits dropped, so when it has dropped messages after
   * `afterSeq` it cannot tell whether any was this room's, and says false rather than claim what it cannot
   * know; a client away longer than the retention thus gets false even for a quiet room. Reading the stream's
   * state after the read also covers messages expiring while it runs.
   * @param afterSeq a `seq` the client saw (0: from the start)
   * @throws RangeError when `afterSeq` is not a non-negative integer or `max` not a positive one; JetStream errors.
   */
  async since(room: string, afterSeq: number, max = SINCE_MAX_FRAMES): Promise<RecoveredFrames> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) throw new RangeError(`afterSeq ${afterSeq} is not a seq`);
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`max ${max} is not a positive integer`);
    const frames: string[] = [];
    let read = 0;
    let lastSeq: number | undefined;
    let truncated = false;
    const reading = { startSeq: afterSeq + 1, timeoutMs: this.timeoutMs, log: this.log };
    for await (const m of readSubject(this.js, this.options.stream, this.subject(room), reading)) {
      truncated = read === max;
      if (truncated) break;
      read++;
      lastSeq = m.seq;
      const frame = withSeq(m.string(), m.seq);
      if (frame === undefined) this.log.warn({ room, seq: m.seq }, 'skipping unreadable frame');
      else frames.push(frame);
    }
    const { state } = await this.jsm.streams.info(this.options.stream);
    return {
      frames,
      complete: state.first_seq <= afterSeq + 1 && afterSeq <= state.last_seq,
      truncated,
      lastSeq: lastSeq ?? Math.min(afterSeq, state.last_seq),
    };
  }

  /**
   * The capture stream's last sequence (one JetStream request): read once a viewer's live subscription is active,
   * every frame of the room with a greater `seq` reaches the viewer live, so it is a `since` the client may keep.
   */
  async lastSeq(): Promise<number> {
    return (await this.jsm.streams.info(this.options.stream)).state.last_seq;
  }

  /**
   * Finds the room's message `id` (its `id` field; events never match) in the history stream, else in the
   * capture stream (every retained message of the room), and deletes it from the capture stream and its copy
   * from the history stream (the copy whose source sequence is its capture sequence). Deleted messages are
   * overwritten on disk (erase). Concurrent removes of one message: one gets true.
   * @throws on JetStream errors.
   */
  async remove(room: string, id: string): Promise<boolean> {
    const subject = this.subject(room);
    await this.awaitHistory(room, subject);
    const copy = await this.find(this.history, subject, id);
    const captureSeq = copy ? sourceSeq(copy.headers) : (await this.find(this.options.stream, subject, id))?.seq;
    let removed = captureSeq !== undefined && (await this.deleteStored(this.options.stream, captureSeq));
    if (copy) removed = (await this.deleteStored(this.history, copy.seq)) || removed;
    this.log.info({ room, id, captureSeq, removed }, 'message removed');
    return removed;
  }

  /**
   * Purges the room's subject from the capture stream, then from the history stream, once the history stream
   * holds the capture stream's last message of the room. A message stored while the purge runs may be left in
   * the history stream when it is sourced after the history purge (a window of one JetStream request).
   * @throws on JetStream errors.
   */
  async purge(room: string): Promise<void> {
    const subject = this.subject(room);
    await this.awaitHistory(room, subject);
    const capture = await this.jsm.streams.purge(this.options.stream, { filter: subject });
    const history = await this.jsm.streams.purge(this.history, { filter: subject });
    this.log.info({ room, purged: capture.purged, historyPurged: history.purged }, 'room purged');
  }

  /**
   * Stores `event` (without any `seq` it carries) on the room's subject, marked as an event (header
   * `Onair-Event`), so it gets a `seq` in order with the room's messages, is delivered live and by
   * {@link since}, and is left out of {@link recent}.
   * @throws as {@link append}.
   */
  async appendEvent(room: string, event: Record<string, unknown>): Promise<void> {
    const marked = headers();
    marked.set(EVENT_HEADER, '1');
    await this.publish(room, storedText(event), randomUUID(), marked);
  }

  /**
   * Stores a released held message as if just posted, under its `id` as message id (an approve repeated within the
   * duplicate window stores it once).
   * @throws as {@link append}.
   */
  async appendMessage(room: string, message: RoomMessage): Promise<void> {
    await this.append(room, message, message.id);
  }

  private publish(room: string, text: string, msgID: string, marks?: MsgHdrs) {
    return this.js.publish(this.subject(room), text, {
      msgID,
      timeout: this.ackTimeoutMs,
      retries: this.appendAttempts,
      ...(marks ? { headers: marks } : {}),
    });
  }

  /** The room message `id` on `subject` of `stream` (events skipped); undefined when not there. */
  private async find(stream: string, subject: string, id: string): Promise<StoredMessage | undefined> {
    const quoted = JSON.stringify(id);
    for await (const m of readSubject(this.js, stream, subject, { timeoutMs: this.timeoutMs, log: this.log })) {
      if (isEvent(m.headers) || !m.string().includes(quoted)) continue;
      if ((parseJson(m.string()) as { id?: unknown } | undefined)?.id === id) return m;
    }
    return undefined;
  }

  /** Deletes message `seq` of `stream`; false when it is already gone. */
  private async deleteStored(stream: string, seq: number): Promise<boolean> {
    try {
      return await this.jsm.streams.deleteMessage(stream, seq);
    } catch (err) {
      if ((await this.jsm.streams.getMessage(stream, { seq })) === null) return false;
      throw err;
    }
  }

  /** Waits until the history stream has sourced the capture stream's last message on `subject`. */
  private async awaitHistory(room: string, subject: string): Promise<void> {
    const target = await this.jsm.streams.getMessage(this.options.stream, { last_by_subj: subject });
    if (!target) return;
    const deadline = Date.now() + this.catchUpMs;
    for (;;) {
      const last = await this.jsm.streams.getMessage(this.history, { last_by_subj: subject });
      const sourced = sourceSeq(last?.header) ?? 0;
      if (sourced >= target.seq) return;
      if (Date.now() > deadline) {
        this.log.warn({ room, seq: target.seq, sourced }, 'history lags behind capture');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Parsed JSON text; undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
