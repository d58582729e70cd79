import type { NatsConnection, Subscription } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';

/** Called with every post time an instance announces (this one's included). */
export type PostTimeListener = (room: string, userId: string, atMs: number) => void;

/**
 * Slow-mode bookkeeping shared by the instances: each announces `{userId, atMs}` of a stored post on core NATS
 * `<subjectPrefix>.<room>` (no stream keeps them: they matter for at most the slow-mode interval, 120 s), and every
 * instance records what it hears, so a poster connected to two instances still waits between posts.
 */
export class PostTimes {
  private readonly subscription: Subscription;
  private readonly log: Logger;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjectPrefix: string,
    listener: PostTimeListener,
    log: Logger,
  ) {
    this.log = log.child({ component: 'post-times' });
    const prefixLength = subjectPrefix.length + 1;
    this.subscription = nc.subscribe(`${subjectPrefix}.*`, {
      callback: (err, msg) => {
        if (err) {
          this.log.warn({ err }, 'subscription failed');
          return;
        }
        try {
          const { userId, atMs } = msg.json<{ userId: unknown; atMs: unknown }>();
          if (typeof userId === 'string' && typeof atMs === 'number') {
            listener(msg.subject.slice(prefixLength), userId, atMs);
          }
        } catch (err) {
          this.log.debug({ err }, 'skipping unreadable post time');
        }
      },
    });
  }

  /** Announces that `userId` posted in `room` at `atMs` (unix epoch ms); best effort. */
  announce(room: string, userId: string, atMs: number): void {
    try {
      this.nc.publish(`${this.subjectPrefix}.${room}`, JSON.stringify({ userId, atMs }));
    } catch (err) {
      this.log.warn({ err, room }, 'post time not announced');
    }
  }

  /** Stops listening. */
  close(): void {
    this.subscription.unsubscribe();
  }
}
