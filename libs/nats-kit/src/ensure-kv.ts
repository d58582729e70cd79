import type { KV, KvOptions, Kvm } from '@nats-io/kv';
import type { Logger } from '@onair/runtime';
import { retryTimeouts } from './retry-timeouts.js';
import { waitForLeader } from './stream-leader.js';

/** Options of {@link ensureKv}. */
export interface EnsureKvOptions {
  /** Copies of the bucket's stream in a NATS cluster (1–5; 1 on a single server). @default 1 */
  replicas?: number;
  log: Logger;
}

/**
 * Opens a KV bucket, creating it with `settings` and `replicas` copies when missing; an existing bucket keeps its
 * settings, except that one with fewer replicas than `replicas` is raised to it (its stream `KV_<bucket>` is
 * updated; nats-server copies it to more peers). Returns once the bucket's stream has a leader (see waitForLeader);
 * a request that times out is made again (see retryTimeouts).
 * @throws on JetStream errors, e.g. more replicas than the cluster has servers.
 */
export async function ensureKv(
  kvm: Kvm,
  bucket: string,
  settings: Partial<Omit<KvOptions, 'replicas'>>,
  { replicas = 1, log }: EnsureKvOptions,
): Promise<KV> {
  return retryTimeouts(
    `bucket ${bucket}`,
    async () => {
      const kv = await kvm.create(bucket, { ...settings, replicas });
      const status = await kv.status();
      const jsm = await kvm.js.jetstreamManager();
      await waitForLeader(jsm, status.streamInfo.config.name, log);
      if (status.replicas < replicas) {
        await jsm.streams.update(status.streamInfo.config.name, { num_replicas: replicas });
        log.info({ bucket, replicas, was: status.replicas }, 'bucket replicas raised');
      } else log.info({ bucket, replicas: status.replicas }, 'bucket ready');
      return kv;
    },
    log,
  );
}
