import { TimeoutError } from '@nats-io/transport-node';
import type { Logger } from '@onair/runtime';

/** How many times a call that keeps timing out is made before its error is thrown. */
const ATTEMPTS = 5;

/**
 * Runs `call`, and again when it times out, up to {@link ATTEMPTS} times. In a NATS cluster a JetStream API request
 * times out (nats.js' default 5 s) while the meta leader is being elected or is busy with other servers' requests:
 * seen with nats-server 2.9 when two ingest replicas create their three-replica buckets at once. Only for
 * idempotent calls (creating a stream or bucket with the same settings, reading its info).
 * @param what names the call in the warning logged before each retry, e.g. "bucket live".
 * @throws the last TimeoutError after {@link ATTEMPTS} attempts; any other error at once.
 */
export async function retryTimeouts<T>(what: string, call: () => Promise<T>, log: Logger): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof TimeoutError) || attempt === ATTEMPTS) throw err;
      log.warn({ what, attempt }, 'JetStream API request timed out, retrying');
    }
  }
}
