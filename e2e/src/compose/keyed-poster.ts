import type { ResilientSocket } from './resilient-socket.js';

/** Options of {@link startKeyedPoster}. */
export interface KeyedPosterOptions {
  /** The sender's socket (a {@link ResilientSocket} with a token): it also reads its own posts back. */
  readonly socket: ResilientSocket;
  /** The post frame's type and extra fields, e.g. `{ type: 'message' }`. */
  readonly frame: Record<string, unknown>;
  /** Text prefix; post n's text is `<prefix> <n>`. */
  readonly prefix: string;
  /** Pause between accepted posts, ms. @default 500 */
  readonly intervalMs?: number;
  /** An unconfirmed post is sent again (same key) after this long, ms. @default 3000 */
  readonly resendMs?: number;
}

/** A running {@link startKeyedPoster}. */
export interface KeyedPoster {
  /** Texts of the posts the sender read back (accepted: stored and delivered), in order. */
  readonly accepted: string[];
  /** When each post was accepted, epoch ms (parallel to `accepted`). */
  readonly acceptedAtMs: number[];
  /** Sends (first sends and resends) so far. */
  sends(): number;
  /** Stops after the post in flight is accepted (or after `timeoutMs`); resolves to the accepted texts. */
  stop(timeoutMs?: number): Promise<string[]>;
}

/**
 * Posts `<prefix> 0`, `<prefix> 1`, … one at a time, each with an idempotency key (`"key"`, libs/realtime README
 * "Client retries"), and sends a post again under the same key until the sender reads it back, whatever happens
 * to the socket or the store meanwhile: what a careful client does, so every post is stored exactly once.
 */
export function startKeyedPoster(options: KeyedPosterOptions): KeyedPoster {
  const { socket, frame, prefix, intervalMs = 500, resendMs = 3000 } = options;
  const accepted: string[] = [];
  const acceptedAtMs: number[] = [];
  let sends = 0;
  let stopping = false;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const seen = (text: string): boolean => socket.messages.some((m) => m.text === text);

  const loop = async (): Promise<void> => {
    for (let n = 0; !stopping; n++) {
      const text = `${prefix} ${n}`;
      const key = `${prefix.replace(/[^A-Za-z0-9_-]/g, '-')}-${n}`;
      let sentAtMs = 0;
      while (!seen(text)) {
        if (Date.now() - sentAtMs >= resendMs && socket.send({ ...frame, text, key })) {
          sentAtMs = Date.now();
          sends++;
        }
        await sleep(50);
      }
      accepted.push(text);
      acceptedAtMs.push(Date.now());
      await sleep(intervalMs);
    }
  };
  const running = loop();

  return {
    accepted,
    acceptedAtMs,
    sends: () => sends,
    stop: async (timeoutMs = 30_000) => {
      stopping = true;
      await Promise.race([running, sleep(timeoutMs)]);
      return accepted;
    },
  };
}
