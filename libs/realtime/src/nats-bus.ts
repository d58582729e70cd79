import type { NatsConnection } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import type { Bus } from './room-fanout.js';

/**
 * A {@link Bus} on NATS core pub/sub: a subscription per subject, active once a flush (PING/PONG,
 * NATS client protocol) has confirmed that the server registered it.
 */
export function natsBus(nc: NatsConnection, log: Logger): Bus {
  const busLog = log.child({ component: 'bus' });
  return {
    async subscribe(subject, onMessage) {
      const subscription = nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) busLog.warn({ err, subject }, 'subscription failed');
          else onMessage(msg.string());
        },
      });
      await nc.flush();
      return { unsubscribe: () => subscription.unsubscribe() };
    },
  };
}
