import type { LiveEntry } from '@onair/contracts';
import { ensureKv, Kvm, type KV, type NatsConnection } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';

/**
 * The KV bucket of the publishes danmaku were posted in: key `<room>.<publishId>`, value
 * `{"startedAtMs":…}` (unix epoch ms). The danmaku service writes it from the "live" bucket it watches (which
 * forgets a publish when it ends), so a replay knows where a past publish starts in the DANMAKU stream.
 */
export const PUBLISHES_BUCKET = 'danmaku_publishes';

/** Keys this process remembers having written, so the live entry's periodic re-puts write nothing. */
const REMEMBERED_KEYS = 10_000;

/** Options of {@link PublishIndex.open}. */
export interface PublishIndexOptions {
  nc: NatsConnection;
  /** How long an entry is kept, ms: the DANMAKU stream's max age (DANMAKU_RETENTION), so both expire together. */
  maxAgeMs: number;
  /** Copies of the bucket in a NATS cluster (1–5). */
  replicas: number;
  log: Logger;
}

/** Where each publish of a room started, for replays: the {@link PUBLISHES_BUCKET} bucket. */
export class PublishIndex {
  private readonly written = new Set<string>();

  private constructor(
    private readonly kv: KV,
    private readonly log: Logger,
  ) {}

  /**
   * Opens the bucket, creating it when missing (history 1, max age `maxAgeMs`; an existing bucket keeps its max
   * age).
   * @throws on JetStream errors.
   */
  static async open({ nc, maxAgeMs, replicas, log }: PublishIndexOptions): Promise<PublishIndex> {
    const indexLog = log.child({ component: 'publish-index', bucket: PUBLISHES_BUCKET });
    const kv = await ensureKv(
      new Kvm(nc),
      PUBLISHES_BUCKET,
      { history: 1, ttl: maxAgeMs, description: 'Onair danmaku: where each publish started' },
      { replicas, log: indexLog },
    );
    return new PublishIndex(kv, indexLog);
  }

  /** Records where `publish` of `room` started, once per process; a failed write is logged and retried on the next call. */
  record(room: string, publish: LiveEntry): void {
    const key = `${room}.${publish.publishId}`;
    if (this.written.has(key)) return;
    if (this.written.size >= REMEMBERED_KEYS) this.written.clear();
    this.written.add(key);
    this.kv.put(key, JSON.stringify({ startedAtMs: publish.startedAtMs })).catch((err: unknown) => {
      this.written.delete(key);
      this.log.warn({ err, room, publishId: publish.publishId }, 'publish not recorded');
    });
  }

  /**
   * When publish `publishId` of `room` started, unix epoch ms; undefined when it is not known (never live while a
   * danmaku instance watched, or older than the bucket's max age). Ids must be valid (ROOM_ID_PATTERN,
   * PUBLISH_ID_PATTERN): they form the key.
   * @throws on JetStream errors.
   */
  async startedAtMs(room: string, publishId: string): Promise<number | undefined> {
    const entry = await this.kv.get(`${room}.${publishId}`);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const value = entry.json<{ startedAtMs?: unknown }>();
    return typeof value.startedAtMs === 'number' ? value.startedAtMs : undefined;
  }
}
