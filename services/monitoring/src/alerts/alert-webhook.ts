import { createHmac } from 'node:crypto';
import type { Logger } from '@onair/runtime';
import type { Alert } from './alert-tracker.js';

/** Header carrying `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>` (RFC 2104). */
export const SIGNATURE_HEADER = 'x-onair-signature';
/** Header carrying the signing time, unix epoch ms; part of the signed string, so a replay can be told by its age. */
export const TIMESTAMP_HEADER = 'x-onair-timestamp';

/**
 * The signature of one webhook request: HMAC-SHA256 with `secret` over `${timestampMs}.${body}` (the raw body,
 * byte for byte), hex, as sent in {@link SIGNATURE_HEADER} after `sha256=`.
 */
export function signWebhook(secret: string, timestampMs: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
}

/** Options of {@link AlertWebhook}. */
export interface AlertWebhookOptions {
  /** Where alerts are POSTed (http or https). */
  url: string;
  /** HMAC key of every request's signature. */
  secret: string;
  log: Logger;
  /** Deadline of one request, ms. @default 5000 */
  timeoutMs?: number;
  /** Tries per alert before it is dropped. @default 5 */
  attempts?: number;
  /** Wait before the first retry, ms; doubled at each further retry. @default 1000 */
  backoffMs?: number;
  /** Alerts waiting at most; beyond it the oldest waiting one is dropped. @default 100 */
  queueSize?: number;
}

/**
 * Sends every alert that fires or resolves as one JSON POST (`{ version: 1, alert }`, see Alert), in order, one
 * at a time, signed (see {@link signWebhook}). A failure (network error, timeout, non-2xx answer) is retried after
 * `backoffMs`, then twice as long each time, up to `attempts` tries; then the alert is dropped with a warning.
 * The queue is bounded. The secret is never logged.
 */
export class AlertWebhook {
  private readonly queue: Alert[] = [];
  private readonly log: Logger;
  private sending: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly o: AlertWebhookOptions) {
    this.log = o.log.child({ component: 'alert-webhook' });
  }

  /** Queues `alert` for sending. */
  send(alert: Alert): void {
    if (this.stopped) return;
    this.queue.push(alert);
    if (this.queue.length > (this.o.queueSize ?? 100)) {
      const dropped = this.queue.shift();
      this.log.warn({ alert: dropped?.id, status: dropped?.status }, 'queue full, alert dropped');
    }
    this.sending ??= this.drain().finally(() => (this.sending = undefined));
  }

  /** Stops sending: the alert in flight gets its current try (bounded by `timeoutMs`), queued ones are dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    this.wake?.();
    await this.sending;
  }

  private async drain(): Promise<void> {
    for (let alert = this.queue.shift(); alert && !this.stopped; alert = this.queue.shift()) {
      const attempts = this.o.attempts ?? 5;
      for (let attempt = 1; attempt <= attempts && !this.stopped; attempt++) {
        try {
          await this.post(alert);
          this.log.info({ alert: alert.id, status: alert.status, attempt }, 'alert sent');
          break;
        } catch (err) {
          const last = attempt === attempts;
          this.log.warn({ err, alert: alert.id, status: alert.status, attempt }, last ? 'alert dropped' : 'retrying');
          if (!last) await this.pause((this.o.backoffMs ?? 1000) * 2 ** (attempt - 1));
        }
      }
    }
  }

  private async post(alert: Alert): Promise<void> {
    const body = JSON.stringify({ version: 1, alert });
    const timestampMs = Date.now();
    const res = await fetch(this.o.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [TIMESTAMP_HEADER]: String(timestampMs),
        [SIGNATURE_HEADER]: `sha256=${signWebhook(this.o.secret, timestampMs, body)}`,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
    });
    await res.body?.cancel();
    if (res.status < 200 || res.status > 299) throw new Error(`webhook answered ${res.status}`);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
