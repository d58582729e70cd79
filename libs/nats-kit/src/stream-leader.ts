import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '@onair/runtime';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often a new stream's leader is asked for, ms. */
const POLL_MS = 200;
/** How long a new stream may take to elect its leader, ms. */
const LEADER_WAIT_MS = 30_000;

/**
 * Waits until stream `name` has a leader. A stream with replicas in a NATS cluster answers no request until its
 * replicas have elected one, so the first read or write after creating it would time out (seen with nats-server 2.9:
 * an ingest replica reading the rooms bucket the other had just made). A stream on a single server has no cluster
 * information and returns at once.
 * @throws Error when no leader is elected within {@link LEADER_WAIT_MS}; JetStream errors of the info request.
 */
export async function waitForLeader(jsm: JetStreamManager, name: string, log: Logger): Promise<void> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  for (let polls = 0; ; polls++) {
    const { cluster } = await jsm.streams.info(name);
    if (!cluster || cluster.leader) {
      if (polls > 0) log.info({ stream: name, leader: cluster?.leader, polls }, 'stream leader elected');
      return;
    }
    if (Date.now() > deadline) throw new Error(`stream ${name} elected no leader within ${LEADER_WAIT_MS} ms`);
    await sleep(POLL_MS);
  }
}
