import type { LiveEntry } from '@onair/contracts';
import { PUBLISH_ID_PATTERN } from '@onair/contracts';
import { REPLACED_REASON, type LiveStream, type MediaHub } from '@onair/media';
import type { Logger } from '@onair/runtime';
import { closeOpenRecordings } from './close-open.js';
import { recordingDir } from './recording-files.js';
import { Recording } from './recording.js';

/** Options of {@link Recorder}. */
export interface RecorderOptions {
  /** The recordings directory: one `<room>/<publishId>/` per recording. */
  dir: string;
  hub: MediaHub;
  log: Logger;
}

/**
 * Records the publishes the live registry marks (`record: true` in a room's live entry) on an origin relay: each
 * such publish, once its stream is in the hub, is written as a {@link Recording} under `<dir>/<room>/<publishId>/`.
 * A stream replaced by another of the same publish (a re-subscribe, the publisher's reconnect inside ingest's grace
 * period) continues the recording; the publish's end, another publish of the room, or the relay's stop finishes it.
 * A publish whose recording was finished is not recorded again (after a relay restart mid-publish, the recording
 * holds what was written before).
 */
export class Recorder {
  /** The publish to record, by room, from the live entries. */
  private readonly wanted = new Map<string, string>();
  private readonly active = new Map<string, Recording>();
  /** `room/publishId` of every recording finished or deleted by this process: never reopened. */
  private readonly closed = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private readonly log: Logger;
  private unsubscribe: Array<() => void> = [];

  constructor(private readonly options: RecorderOptions) {
    this.log = options.log.child({ component: 'recorder' });
  }

  /** Closes recordings a previous process left open, then follows the hub. */
  async start(): Promise<void> {
    await closeOpenRecordings(this.options.dir, this.log);
    const { hub } = this.options;
    this.unsubscribe = [hub.onStarted((s) => this.started(s)), hub.onEnded((s) => this.ended(s))];
    this.log.info({ dir: this.options.dir }, 'opened');
  }

  /** Finishes every recording in progress and waits for their writes. */
  async stop(): Promise<void> {
    this.log.info('closing');
    for (const off of this.unsubscribe) off();
    for (const room of [...this.active.keys()]) this.finish(room, 'shutdown');
    await Promise.all([...this.pending]);
    this.log.info('closed');
  }

  /** A room's live entry (undefined: the room is not live): records its publish from now on when it says so. */
  entry(room: string, entry: LiveEntry | undefined): void {
    if (entry?.record && PUBLISH_ID_PATTERN.test(entry.publishId)) {
      this.wanted.set(room, entry.publishId);
      const stream = this.options.hub.get(room);
      if (stream) this.started(stream);
    } else {
      this.wanted.delete(room);
    }
  }

  /** The publish being recorded in `room`, if any. */
  recording(room: string): string | undefined {
    return this.active.get(room)?.publishId;
  }

  /** Resolves once every write queued so far, of every recording, is done. */
  async idle(): Promise<void> {
    await Promise.all([...this.pending, ...[...this.active.values()].map((r) => r.written())]);
  }

  /**
   * Stops recording `publishId` of `room` if it is in progress, and never records it again in this process.
   * Resolves once its pending writes are done.
   */
  async forget(room: string, publishId: string): Promise<void> {
    this.closed.add(`${room}/${publishId}`);
    if (this.active.get(room)?.publishId === publishId) this.finish(room, 'deleted');
    await this.idle();
  }

  private started(stream: LiveStream): void {
    const { room, publishId } = stream.info;
    const current = this.active.get(room);
    if (current && current.publishId !== publishId) this.finish(room, 'another publish');
    if (this.wanted.get(room) !== publishId || this.closed.has(`${room}/${publishId}`)) return;
    let recording = this.active.get(room);
    if (!recording) {
      recording = new Recording({
        dir: recordingDir(this.options.dir, room, publishId),
        info: stream.info,
        log: this.log,
      });
      this.active.set(room, recording);
    }
    recording.follow(stream);
  }

  private ended(stream: LiveStream): void {
    if (stream.ended === REPLACED_REASON) return;
    if (this.active.get(stream.room)?.publishId === stream.info.publishId) this.finish(stream.room, 'publish ended');
  }

  private finish(room: string, reason: string): void {
    const recording = this.active.get(room);
    if (!recording) return;
    this.active.delete(room);
    this.closed.add(`${room}/${recording.publishId}`);
    const done = recording.finish(reason);
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }
}
