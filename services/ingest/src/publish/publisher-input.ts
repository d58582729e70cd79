import type { Logger } from '@onair/runtime';
import { PublishHealth } from './publish-health.js';
import { TimestampRebaser } from './timestamp-rebaser.js';

/** An Enhanced RTMP audio message: SoundFormat 9, ExHeader (enhanced-rtmp v2). */
const ENHANCED_SOUND_FORMAT = 9;
/** An Enhanced RTMP video message: the IsExHeader bit (enhanced-rtmp v1). */
const ENHANCED_VIDEO_HEADER = 0x80;

/**
 * What a publish learns from each message of its publisher before the media goes anywhere: the timestamp on one
 * continuous timeline (TimestampRebaser, a rebase logged at warn), the health measures (PublishHealth), and
 * whether an Enhanced RTMP message came (which ffmpeg 5.1's FLV demuxer cannot read).
 */
export class PublisherInput {
  private rebaser = new TimestampRebaser();
  readonly health = new PublishHealth();
  private sawEnhanced = false;

  constructor(private readonly log: Logger) {}

  /** An Enhanced RTMP message came from any publisher of this publish. */
  get enhanced(): boolean {
    return this.sawEnhanced;
  }

  /** @returns the message's timestamp on the publisher's continuous timeline, ms. */
  audio(timestampMs: number, body: Buffer): number {
    this.sawEnhanced ||= (body[0] ?? 0) >> 4 === ENHANCED_SOUND_FORMAT;
    const t = this.rebase(timestampMs);
    this.health.audio(t, body);
    return t;
  }

  /** @returns the message's timestamp on the publisher's continuous timeline, ms. */
  video(timestampMs: number, body: Buffer): number {
    this.sawEnhanced ||= ((body[0] ?? 0) & ENHANCED_VIDEO_HEADER) !== 0;
    const t = this.rebase(timestampMs);
    this.health.video(t, body);
    return t;
  }

  /** A new publisher continues the publish: its clock starts anew. */
  reconnected(): void {
    this.rebaser = new TimestampRebaser();
    this.health.reconnected();
  }

  private rebase(timestampMs: number): number {
    const before = this.rebaser.rebaseCount;
    const t = this.rebaser.map(timestampMs);
    if (this.rebaser.rebaseCount !== before)
      this.log.warn({ timestampMs, rebasedMs: t, rebases: this.rebaser.rebaseCount }, 'publisher timestamps rebased');
    return t;
  }
}
