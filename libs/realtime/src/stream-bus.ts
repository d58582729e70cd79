import type { JetStreamClient, JetStreamManager } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import { withSeq } from './frames.js';
import type { Bus } from './room-fanout.js';

/** Options of {@link streamBus}. */
export interface StreamBusOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** The capture stream whose subjects are subscribed, e.g. "CHAT". */
  stream: string;
  log: Logger;
}

/**
 * How long each pull request of a subscription lasts, ms: nats.js asks for idle heartbeats every half of it and
 * recreates the ordered consumer after two missed, so a consumer lost with its NATS node is back within about this
 * long (nats.js default: 30 s).
 */
const PULL_EXPIRES_MS = 5000;

/** Consumer notifications worth a log line (the others are per pull or per heartbeat). */
const NOTABLE = new Set([
  'heartbeats_missed',
  'consumer_deleted',
  'consumer_not_found',
  'stream_not_found',
  'no_responders',
  'ordered_consumer_recreated',
]);

/**
 * A {@link Bus} on a JetStream stream, so a subscriber gets exactly what the stream stored, in stream
 * order, each frame with its stream sequence inserted as its first member (`{"seq":N,...}`, see withSeq; a
 * stored message that is not a JSON object's text is skipped and logged). A subject's subscription is an
 * ordered consumer (nats.js; ephemeral, in memory, no acks; nats-server ≥ 2.9.4) on `stream`, filtered on the subject, that starts at the stream's last sequence + 1 as read
 * when subscribing (deliver_policy by_start_sequence): every message stored after `subscribe` was called
 * is delivered, nothing stored before is. When the client reconnects or the consumer is lost, nats.js
 * recreates it from the last delivered sequence + 1, so nothing is skipped or repeated; a consumer left
 * behind by a dead process is removed by the server after 5 min without pulls (inactive_threshold).
 */
export function streamBus({ js, jsm, stream, log }: StreamBusOptions): Bus {
  const busLog = log.child({ component: 'bus', stream });
  return {
    async subscribe(subject, onMessage) {
      const { state } = await jsm.streams.info(stream);
      const consumer = await js.consumers.get(stream, { filter_subjects: subject, opt_start_seq: state.last_seq + 1 });
      const messages = await consumer.consume({
        expires: PULL_EXPIRES_MS,
        callback: (m) => {
          const frame = withSeq(m.string(), m.seq);
          if (frame === undefined) busLog.warn({ subject, seq: m.seq }, 'skipping unreadable message');
          else onMessage(frame);
        },
      });
      void (async () => {
        for await (const status of messages.status()) {
          if (NOTABLE.has(status.type)) busLog.info({ subject, status }, 'consumer status');
        }
      })();
      void messages.closed().then((err) => {
        if (err) busLog.error({ err, subject }, 'consumer ended');
      });
      return {
        async unsubscribe() {
          await messages.close();
          await consumer.delete().catch((err: unknown) => busLog.debug({ err, subject }, 'consumer delete failed'));
        },
      };
    },
  };
}
