import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import type { Logger } from '@onair/runtime';
import { retryTimeouts } from './retry-timeouts.js';
import { waitForLeader } from './stream-leader.js';

/** The settings of a stream {@link ensureStream} creates: a stream config with at least its name. */
export type StreamSettings = Partial<StreamConfig> & { name: string };

/** Options of {@link ensureStream}. */
export interface EnsureStreamOptions {
  /** Copies of the stream in a NATS cluster (1–5; 1 on a single server). @default 1 */
  replicas?: number;
  /**
   * Settings compared with an existing stream's (by value: `subjects` in the same order is unchanged) and updated when
   * they differ, e.g. `['max_age']`. @default []
   */
  updatable?: ReadonlyArray<keyof StreamConfig>;
  log: Logger;
}

/** JetStream API error code of "stream not found" (nats-server JSStreamNotFoundErr). */
const STREAM_NOT_FOUND = 10059;

/**
 * Creates a JetStream stream with `settings` and `replicas` copies when missing (another instance creating it
 * concurrently is fine), or brings an existing one up to date: the `updatable` settings that differ are updated,
 * and a stream with fewer replicas than `replicas` is raised to it (nats-server then copies it to more peers). A
 * stream with more replicas keeps them. Returns once the stream has a leader (see waitForLeader); a request that
 * times out is made again (see retryTimeouts).
 * @throws on JetStream errors, e.g. more replicas than the cluster has servers, or subjects overlapping another
 * stream's.
 */
export function ensureStream(
  jsm: JetStreamManager,
  settings: StreamSettings,
  options: EnsureStreamOptions,
): Promise<void> {
  return retryTimeouts(
    `stream ${settings.name}`,
    async () => {
      await createOrUpdate(jsm, settings, options);
      await waitForLeader(jsm, settings.name, options.log);
    },
    options.log,
  );
}

async function createOrUpdate(
  jsm: JetStreamManager,
  settings: StreamSettings,
  { replicas = 1, updatable = [], log }: EnsureStreamOptions,
): Promise<void> {
  const { name } = settings;
  let existing = await streamConfig(jsm, name);
  if (!existing) {
    try {
      await jsm.streams.add({ ...settings, num_replicas: replicas });
      log.info({ stream: name, replicas }, 'stream created');
      return;
    } catch (err) {
      existing = await streamConfig(jsm, name);
      if (!existing) throw err;
    }
  }
  const current = existing;
  const changed = updatable.filter(
    (key) => settings[key] !== undefined && JSON.stringify(current[key]) !== JSON.stringify(settings[key]),
  );
  const update: Partial<StreamConfig> = Object.fromEntries(changed.map((key) => [key, settings[key]]));
  if (current.num_replicas < replicas) {
    update.num_replicas = replicas;
    changed.push('num_replicas');
  }
  if (changed.length === 0) {
    log.info({ stream: name, replicas: current.num_replicas }, 'stream ready');
    return;
  }
  await jsm.streams.update(name, update);
  log.info({ stream: name, changed, replicas: Math.max(replicas, current.num_replicas) }, 'stream updated');
}

/** A stream's configuration; undefined when there is no such stream. */
async function streamConfig(jsm: JetStreamManager, name: string): Promise<StreamConfig | undefined> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (err) {
    if ((err as { code?: unknown }).code === STREAM_NOT_FOUND) return undefined;
    throw err;
  }
}
