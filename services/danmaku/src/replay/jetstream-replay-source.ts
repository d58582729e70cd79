import { isEvent, readSubject } from '@onair/realtime';
import { jetstream, type NatsConnection } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import type { ImportStore } from '../import/import-store.js';
import type { PublishIndex } from './publish-index.js';
import type { ReplaySource } from './replay-danmaku.js';

/**
 * How much earlier than the publish's start a replay starts reading, ms: ingest's clock (which stamps
 * `startedAtMs`), the danmaku instances' and the NATS server's (which stamps what `opt_start_time` compares) may
 * differ by this much.
 */
export const CLOCK_SKEW_MARGIN_MS = 5000;

/** Options of {@link jetStreamReplaySource}. */
export interface JetStreamReplaySourceOptions {
  nc: NatsConnection;
  index: PublishIndex;
  /** Where the danmaku imported into a publish are. */
  imports: ImportStore;
  /** Capture stream of the danmaku, "DANMAKU". */
  stream: string;
  /** A room's subject, `danmaku.room.<room>`. */
  subject: (room: string) => string;
  /** Bound on each fetch of the read, ms. @default 5000 */
  timeoutMs?: number;
  log: Logger;
}

/**
 * The replay's source in JetStream: publish starts from the {@link PublishIndex}, the room's messages from the
 * capture stream with an ordered consumer filtered on the room's subject from the first message stored at or after
 * the publish's start minus {@link CLOCK_SKEW_MARGIN_MS} (`opt_start_time`), events (deleted, cleared) left out.
 * Deleted danmaku are not there: moderation deletes them from the stream. A publish's imported danmaku come from
 * the {@link ImportStore}.
 */
export function jetStreamReplaySource({
  nc,
  index,
  imports,
  stream,
  subject,
  timeoutMs = 5000,
  log,
}: JetStreamReplaySourceOptions): ReplaySource {
  const js = jetstream(nc);
  const readLog = log.child({ component: 'replay' });
  return {
    publishStartMs: (room, publishId) => index.startedAtMs(room, publishId),
    async *messages(room, startTimeMs) {
      const reading = { startTimeMs: Math.max(0, startTimeMs - CLOCK_SKEW_MARGIN_MS), timeoutMs, log: readLog };
      for await (const m of readSubject(js, stream, subject(room), reading)) {
        if (!isEvent(m.headers)) yield { seq: m.seq, text: m.string() };
      }
    },
    imported: (room, publishId) => imports.read(room, publishId),
  };
}
