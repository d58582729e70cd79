import { createHash, createHmac } from 'node:crypto';
import type { Logger } from '@onair/runtime';

/** What every hook call says about the publish. */
export interface PublishHookSubject {
  readonly room: string;
  /** The publish this publisher starts or continues (a UUID). */
  readonly publishId: string;
  /** RTMP application, e.g. "live". */
  readonly app: string;
  /** The publisher's address, "<ip>:<port>". */
  readonly remoteAddress: string;
  /** The encoder as it names itself (connect `flashVer`, e.g. "FMLE/3.0 (compatible; FMSc/1.0)"). */
  readonly encoder: string | undefined;
  /** A non-secret id of the stream key used: the first 16 hex digits of its SHA-256 (see {@link streamKeyId}). */
  readonly streamKeyId: string;
}

/** Why a publish ended, for on_unpublish. */
export interface UnpublishDetails {
  readonly room: string;
  readonly publishId: string;
  readonly reason: string;
  /** How long the publish was live, ms. */
  readonly durationMs: number;
}

/** The answer of the on_publish hook. */
export type HookVerdict = { readonly ok: true } | { readonly ok: false; readonly why: string };

/** Options of {@link PublishHooks}. */
export interface PublishHooksOptions {
  /** Called before a publish is accepted; a 2xx answer allows it. Unset: every publish with a valid key is allowed. */
  onPublishUrl: string | undefined;
  /** Told when a publish ends and why. */
  onUnpublishUrl: string | undefined;
  /** HMAC-SHA256 key of the signature header; unset: requests go unsigned. */
  secret: string | undefined;
  /** How long a hook may take, ms; on_publish refuses the publish after it. */
  timeoutMs: number;
  log: Logger;
}

/** Header carrying `sha256=<hex HMAC-SHA256 of the body with the secret>` (RFC 2104). */
export const SIGNATURE_HEADER = 'x-onair-signature';

/**
 * A non-secret identifier of a stream key, safe for logs and hooks: the first 16 hex digits of its SHA-256.
 * It names the key without revealing it (a 256-bit random secret cannot be recovered from 64 bits of its hash).
 */
export function streamKeyId(streamKey: string): string {
  return createHash('sha256').update(streamKey).digest('hex').slice(0, 16);
}

/**
 * Publish webhooks in the manner of nginx-rtmp's `on_publish`/`on_publish_done` and SRS's `http_hooks`: a JSON POST
 * `{ event, timestampMs, … }`, signed with HMAC-SHA256 in {@link SIGNATURE_HEADER} so the receiver can check it
 * came from this ingest (and reject replays by `timestampMs`). on_publish decides: a 2xx answer within the timeout
 * allows the publish; any other status, a network error or the timeout refuses it. on_unpublish is a notice: its
 * failures are logged and nothing waits for it. Redirects are not followed (a 3xx refuses). Neither body carries
 * the stream key.
 */
export class PublishHooks {
  constructor(private readonly o: PublishHooksOptions) {}

  /** Asks the on_publish hook whether the publish may start; allowed when no hook is configured. */
  async onPublish(subject: PublishHookSubject): Promise<HookVerdict> {
    const url = this.o.onPublishUrl;
    if (!url) return { ok: true };
    try {
      const res = await this.post(url, { event: 'publish', ...subject });
      if (res.ok) return { ok: true };
      return { ok: false, why: `on_publish answered ${res.status}` };
    } catch (err) {
      this.o.log.warn({ err, room: subject.room }, 'on_publish hook failed');
      return { ok: false, why: 'on_publish did not answer' };
    }
  }

  /** Tells the on_unpublish hook a publish ended; never throws, never waits for the answer's body. */
  onUnpublish(details: UnpublishDetails): void {
    const url = this.o.onUnpublishUrl;
    if (!url) return;
    this.post(url, { event: 'unpublish', ...details }).then(
      (res) => {
        if (!res.ok)
          this.o.log.warn({ room: details.room, status: res.status }, 'on_unpublish hook refused the notice');
      },
      (err: unknown) => this.o.log.warn({ err, room: details.room }, 'on_unpublish hook failed'),
    );
  }

  private async post(url: string, event: Record<string, unknown>): Promise<Response> {
    const body = JSON.stringify({ ...event, timestampMs: Date.now() });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.o.secret)
      headers[SIGNATURE_HEADER] = `sha256=${createHmac('sha256', this.o.secret).update(body).digest('hex')}`;
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(this.o.timeoutMs),
    });
    await res.body?.cancel();
    return res;
  }
}
