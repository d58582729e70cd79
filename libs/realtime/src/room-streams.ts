import type { JetStreamManager } from '@onair/nats-kit';
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
}

type StreamSettings = Parameters<JetStreamManager['streams']['add']>[0];

const NS_PER_MS = 1_000_000;
const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;
/** JetStream API error code of "stream not found" (nats-server JSStreamNotFoundErr). */
const STREAM_NOT_FOUND = 10059;
/** The limits set here, compared with an existing stream's and updated when they differ. */
const LIMITS = ['max_age', 'max_msgs_per_subject', 'duplicate_window'] as const;

/**
 * Creates the capture and history streams when missing (file storage, the server's default), updating their
 * limits (max age, messages per subject, duplicate window: 2 min or the retention if shorter) when they differ.
 * @throws on JetStream errors other than a stream created concurrently by another instance.
 */
export async function ensureRoomStreams(jsm: JetStreamManager, spec: RoomStreamsSpec, log: Logger): Promise<void> {
  const limits = {
    max_age: spec.retentionMs * NS_PER_MS,
    duplicate_window: Math.min(DEFAULT_DUPLICATE_WINDOW_MS, spec.retentionMs) * NS_PER_MS,
  };
  await ensureStream(jsm, { name: spec.stream, subjects: [`${spec.subjectPrefix}.*`], ...limits }, log);
  await ensureStream(
    jsm,
    { name: spec.history, sources: [{ name: spec.stream }], max_msgs_per_subject: spec.historySize, ...limits },
    log,
  );
}

async function ensureStream(
  jsm: JetStreamManager,
  settings: StreamSettings & { name: string },
  log: Logger,
): Promise<void> {
  const { name } = settings;
  let existing = await streamConfig(jsm, name);
  if (!existing) {
    try {
      await jsm.streams.add(settings);
      log.info({ stream: name }, 'stream created');
      return;
    } catch (err) {
      existing = await streamConfig(jsm, name);
      if (!existing) throw err;
    }
  }
  const current = existing;
  const changed = LIMITS.filter((key) => settings[key] !== undefined && current[key] !== settings[key]);
  if (changed.length > 0) {
    await jsm.streams.update(name, Object.fromEntries(changed.map((key) => [key, settings[key]])));
    log.info({ stream: name, changed }, 'stream limits updated');
  } else log.info({ stream: name }, 'stream ready');
}

/** A stream's configuration; undefined when there is no such stream. */
async function streamConfig(jsm: JetStreamManager, name: string): Promise<StreamSettings | undefined> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (err) {
    if ((err as { code?: unknown }).code === STREAM_NOT_FOUND) return undefined;
    throw err;
  }
}
