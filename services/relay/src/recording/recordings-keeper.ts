import { RECORDINGS_DELETE_SUBJECT, deleteRecordingRequestSchema, type DeleteRecordingReply } from '@onair/contracts';
import type { Msg, NatsConnection, Subscription } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import type { Recorder } from './recorder.js';
import { deleteRecording, overLimits, storedRecordings, type RetentionLimits } from './retention.js';

/** Options of {@link RecordingsKeeper}. */
export interface RecordingsKeeperOptions {
  /** The recordings directory. */
  dir: string;
  recorder: Recorder;
  limits: RetentionLimits;
  /** Interval of retention checks, ms. */
  checkMs: number;
  log: Logger;
}

/**
 * Keeps the recordings directory within its retention limits (checked at start and every `checkMs`; see
 * overLimits: oldest first, never one being written) and answers requests on RECORDINGS_DELETE_SUBJECT: the named
 * recording is deleted (one in progress is finished first and not recorded further) and the reply says whether this
 * relay held it and what its files held, `{"deleted":true,"bytes":n}` or `{"deleted":false}`. A request that does
 * not parse is answered `{"deleted":false}`.
 */
export class RecordingsKeeper {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;
  /** The check or delete in progress: they run one at a time. */
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RecordingsKeeperOptions) {
    this.log = options.log.child({ component: 'recordings' });
  }

  /** Applies retention once, then every `checkMs`; answers delete requests on `nc`. */
  async start(nc: NatsConnection | undefined): Promise<void> {
    await this.serially(() => this.check());
    this.timer = setInterval(() => void this.serially(() => this.check()), this.options.checkMs);
    if (nc)
      this.subscription = nc.subscribe(RECORDINGS_DELETE_SUBJECT, {
        callback: (err, msg) => {
          if (!err) this.answer(msg);
        },
      });
    this.log.info(
      { ...this.options.limits, checkMs: this.options.checkMs, subject: RECORDINGS_DELETE_SUBJECT },
      'opened',
    );
  }

  /** Stops checking and answering; waits for the check or delete in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
    await this.busy;
    this.log.info('closed');
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const done = this.busy.then(work);
    this.busy = done.catch((err: unknown) => this.log.error({ err }, 'recordings upkeep failed'));
    return done;
  }

  private async check(): Promise<void> {
    const { dir, limits, recorder } = this.options;
    if (limits.maxAgeMs <= 0 && limits.maxBytes <= 0) return;
    const stored = await storedRecordings(dir);
    const writing = (r: { room: string; publishId: string }): boolean => recorder.recording(r.room) === r.publishId;
    for (const r of overLimits(
      stored.map((s) => (writing(s) ? { ...s, durationMs: undefined } : s)),
      limits,
      Date.now(),
    )) {
      await deleteRecording(dir, r.room, r.publishId);
      this.log.info({ room: r.room, publishId: r.publishId, bytes: r.bytes }, 'recording deleted by retention');
    }
  }

  private answer(msg: Msg): void {
    let request: unknown;
    try {
      request = msg.json();
    } catch {
      request = undefined;
    }
    const parsed = deleteRecordingRequestSchema.safeParse(request);
    const reply = (r: DeleteRecordingReply): boolean => msg.respond(JSON.stringify(r));
    if (!parsed.success) {
      this.log.warn('unreadable delete request');
      reply({ deleted: false });
      return;
    }
    const { room, publishId } = parsed.data;
    void this.serially(async () => {
      await this.options.recorder.forget(room, publishId);
      return deleteRecording(this.options.dir, room, publishId);
    }).then(
      (bytes) => {
        if (bytes === undefined) {
          reply({ deleted: false });
          return;
        }
        this.log.info({ room, publishId, bytes }, 'recording deleted on request');
        reply({ deleted: true, bytes });
      },
      () => reply({ deleted: false }),
    );
  }
}
