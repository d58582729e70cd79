import { ensureStream, type JetStreamManager } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';

/** The two streams of a room log and their limits. */
export interface RoomStreamsSpec {
  /** Capture stream, e.g. "CHAT"; its subjects are `<subjectPrefix>.*`. */
  stream: string;
  /** History stream sourcing the capture stream, e.g. "CHAT_HISTORY". */
  history: string;
  subjectPrefix: string;
  /** Messages kept per room (subject) in the history stream. */
  historySize: number;
  /** Max age of messages in both streams, ms. */
  retentionMs: number;
  /** Copies of both streams in a NATS cluster (1–5). */
  replicas: number;
}

const NS_PER_MS = 1_000_000;
const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;
/** The limits set here, compared with an existing stream's and updated when they differ. */
const LIMITS = ['max_age', 'max_msgs_per_subject', 'duplicate_window'] as const;

/**
 * Creates the capture and history streams when missing (file storage, the server's default, `replicas` copies),
 * updating their limits (max age, messages per subject, duplicate window: 2 min or the retention if shorter) when
 * they differ and their replicas when fewer (see ensureStream).
 * @throws on JetStream errors other than a stream created concurrently by another instance.
 */
export async function ensureRoomStreams(jsm: JetStreamManager, spec: RoomStreamsSpec, log: Logger): Promise<void> {
  const limits = {
    max_age: spec.retentionMs * NS_PER_MS,
    duplicate_window: Math.min(DEFAULT_DUPLICATE_WINDOW_MS, spec.retentionMs) * NS_PER_MS,
  };
  const options = { replicas: spec.replicas, updatable: LIMITS, log };
  await ensureStream(jsm, { name: spec.stream, subjects: [`${spec.subjectPrefix}.*`], ...limits }, options);
  await ensureStream(
    jsm,
    { name: spec.history, sources: [{ name: spec.stream }], max_msgs_per_subject: spec.historySize, ...limits },
    options,
  );
}
