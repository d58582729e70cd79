import type { JetStreamClient, MsgHdrs } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';

/** A message read back from a stream (the part of nats.js' JsMsg used here). */
export interface StoredMessage {
  /** Sequence in the stream read. */
  readonly seq: number;
  string(): string;
  readonly headers: MsgHdrs | undefined;
}

/** Options of {@link readSubject}. */
export interface ReadSubjectOptions {
  /** First stream sequence to read. @default the stream's first */
  startSeq?: number;
  /**
   * Instead of `startSeq`: read from the first message stored at or after this time (unix epoch ms; JetStream
   * `opt_start_time`, the time the stream stored a message).
   */
  startTimeMs?: number;
  /** Bound on each fetch, ms. */
  timeoutMs: number;
  /** Messages asked for per fetch: bounds what one fetch holds in memory. @default 1000 */
  batch?: number;
  log: Logger;
}

/**
 * Every message of `stream` on `subject` (from `startSeq` or `startTimeMs`) that is stored when the read starts, in stream
 * order, read with an ordered consumer (ephemeral, in memory, no acks; nats-server ≥ 2.9.4) filtered on the
 * subject, so other subjects cost nothing, until nothing is pending; the consumer is deleted when the read
 * ends, also when the caller stops early (`break`).
 * @throws when a fetch returns nothing within `timeoutMs` while messages are still pending, or JetStream fails.
 */
export async function* readSubject(
  js: JetStreamClient,
  stream: string,
  subject: string,
  { startSeq, startTimeMs, timeoutMs, batch = 1000, log }: ReadSubjectOptions,
): AsyncGenerator<StoredMessage> {
  const consumer = await js.consumers.get(stream, {
    filter_subjects: subject,
    ...(startSeq === undefined ? {} : { opt_start_seq: startSeq }),
    ...(startTimeMs === undefined ? {} : { opt_start_time: new Date(startTimeMs).toISOString() }),
  });
  try {
    let pending = (await consumer.info(true)).num_pending;
    while (pending > 0) {
      let read = 0;
      for await (const m of await consumer.fetch({ max_messages: Math.min(pending, batch), expires: timeoutMs })) {
        read++;
        pending = m.info.pending;
        yield { seq: m.seq, string: () => m.string(), headers: m.headers };
        if (pending === 0) break;
      }
      // Nothing came: the pending messages were deleted meanwhile (then none is pending now), or the server is slow.
      if (read === 0) pending = (await consumer.info()).num_pending;
      if (read === 0 && pending > 0)
        throw new Error(`reading ${subject} of ${stream} timed out with ${pending} pending`);
    }
  } finally {
    await consumer.delete().catch((err: unknown) => log.debug({ err, stream, subject }, 'consumer delete failed'));
  }
}
