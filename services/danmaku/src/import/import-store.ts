import { createHash } from 'node:crypto';
import { readSubject } from '@onair/realtime';
import { ensureStream, jetstream, jetstreamManager, type JetStreamClient, type NatsConnection } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import type { ReplayMessage } from '../replay/replay-danmaku.js';
import type { ImportedDanmaku } from './imported-danmaku.js';

/**
 * The JetStream stream imported danmaku are kept in: subjects `danmaku.import.<room>.<publishId>.<key>` (the
 * danmaku's {@link importKey}), one message per subject, apart from the live capture stream DANMAKU
 * (`danmaku.room.<room>`), so that no viewer of the room gets them live, a replay reads a publish's imports with one
 * filtered read however long after the publish they were imported, and a danmaku imported again replaces its copy.
 */
export const IMPORT_STREAM = 'DANMAKU_IMPORTS';

/** Publishes of one import outstanding at once (each waits for its ack); more wait for a slot. */
const PIPELINE_DEPTH = 256;
const NS_PER_MS = 1_000_000;
/** JetStream's duplicate window of the stream (2 min, or the retention if shorter), ms. */
const DUPLICATE_WINDOW_MS = 120_000;

/**
 * What makes an imported danmaku the same as another: 64 lower-case hex digits, the SHA-256 of its room, publish,
 * row id, author, send time, stream time, mode, size, colour and text, all from the document and the request;
 * not who imported it. The last token of its subject and its JetStream message id.
 */
export function importKey(item: ImportedDanmaku): string {
  const { room, publishId, id, userId, sentAtMs, streamTimeMs, mode, size, color, text } = item;
  const identity = [room, publishId, id, userId, sentAtMs, streamTimeMs, mode, size, color, text];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/** Options of {@link ImportStore.open}. */
export interface ImportStoreOptions {
  nc: NatsConnection;
  /** Max age of imported danmaku, ms: DANMAKU_RETENTION, as the live ones. */
  retentionMs: number;
  /** Copies of the stream in a NATS cluster (1–5). */
  replicas: number;
  log: Logger;
  /** Bound on one publish ack and on each fetch of a read, ms. @default 5000 */
  timeoutMs?: number;
}

/** Imported danmaku in {@link IMPORT_STREAM}, by room and publish. */
export class ImportStore {
  private readonly js: JetStreamClient;

  private constructor(
    nc: NatsConnection,
    private readonly log: Logger,
    private readonly timeoutMs: number,
  ) {
    this.js = jetstream(nc);
  }

  /**
   * Creates {@link IMPORT_STREAM} when missing (max age `retentionMs`, `replicas` copies, one message per subject);
   * an existing stream's subjects, messages per subject, max age and duplicate window follow these settings.
   * @throws on JetStream errors.
   */
  static async open({ nc, retentionMs, replicas, log, timeoutMs = 5000 }: ImportStoreOptions): Promise<ImportStore> {
    const storeLog = log.child({ component: 'import-store', stream: IMPORT_STREAM });
    const settings = {
      name: IMPORT_STREAM,
      subjects: ['danmaku.import.*.*.*'],
      max_msgs_per_subject: 1,
      max_age: retentionMs * NS_PER_MS,
      duplicate_window: Math.min(DUPLICATE_WINDOW_MS, retentionMs) * NS_PER_MS,
    };
    const updatable = ['subjects', 'max_msgs_per_subject', 'max_age', 'duplicate_window'] as const;
    await ensureStream(await jetstreamManager(nc), settings, { replicas, updatable, log: storeLog });
    return new ImportStore(nc, storeLog, timeoutMs);
  }

  /**
   * The subjects of a publish's imports, as a filter: `danmaku.import.<room>.<publishId>.*`. Ids must be valid
   * (ROOM_ID_PATTERN, PUBLISH_ID_PATTERN): they form it.
   */
  subjects(room: string, publishId: string): string {
    return `danmaku.import.${room}.${publishId}.*`;
  }

  /**
   * Stores `items`, each on its own subject `danmaku.import.<room>.<publishId>.<importKey>`, pipelined: up to
   * {@link PIPELINE_DEPTH} publishes wait for their acks at once, written in order. The stream keeps one message per
   * subject, so a danmaku imported again (the same document sent twice, by anyone, at any time; or a larger document
   * holding it) replaces its earlier copy instead of doubling it; within the duplicate window (2 min) the message
   * id (the key too) makes JetStream drop the copy without storing it.
   * @returns how many the stream acknowledged (one already stored counts)
   * @throws the first failed publish (no ack within the timeout, JetStream refusal), after the others settled;
   *   those acknowledged before stay stored.
   */
  async append(items: readonly ImportedDanmaku[]): Promise<number> {
    let stored = 0;
    let failure: Error | undefined;
    const inFlight = new Set<Promise<void>>();
    for (const item of items) {
      if (inFlight.size >= PIPELINE_DEPTH) await Promise.race(inFlight);
      if (failure !== undefined) break;
      const key = importKey(item);
      const subject = `danmaku.import.${item.room}.${item.publishId}.${key}`;
      const publish = this.js
        .publish(subject, JSON.stringify(item), { msgID: key, timeout: this.timeoutMs })
        .then(
          () => {
            stored++;
          },
          (err: unknown) => {
            failure ??= err instanceof Error ? err : new Error(String(err));
          },
        )
        .finally(() => inFlight.delete(publish));
      inFlight.add(publish);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) {
      this.log.warn({ err: failure, stored, items: items.length }, 'import not fully stored');
      throw failure;
    }
    return stored;
  }

  /**
   * Every danmaku imported into `publishId` of `room`, in stored order, up to what is stored when the read starts,
   * with its sequence in {@link IMPORT_STREAM}.
   * @throws when a fetch times out with messages pending, or JetStream fails.
   */
  async *read(room: string, publishId: string): AsyncGenerator<ReplayMessage> {
    const reading = { timeoutMs: this.timeoutMs, log: this.log };
    for await (const m of readSubject(this.js, IMPORT_STREAM, this.subjects(room, publishId), reading)) {
      yield { seq: m.seq, text: m.string() };
    }
  }
}
