import type { Fmp4Item } from '../fmp4/fmp4-reader.js';
import type { FeedAttachment } from './flv-feed.js';

type Write = (chunk: Buffer) => void;

/**
 * Feeds an ffmpeg run the source rendition's fragmented MP4 (ISO/IEC 14496-12 §8.16: the init segment, then
 * moof+mdat parts) instead of FLV: what transcodes an Enhanced RTMP publish, whose HEVC, AV1, VP9 or Opus
 * ffmpeg 5.1 reads from MP4 but not from FLV. A run starts with the latest init segment and the next independent
 * part; a new init segment (changed codec settings) is only kept for the next run.
 */
export class Fmp4Feed {
  private init: Buffer | undefined;
  private target: { write: Write; firstStartMs: number | undefined } | undefined;

  /** An item of the source remux. */
  take(item: Fmp4Item): void {
    if (item.kind === 'init') {
      this.init = item.data;
      return;
    }
    const target = this.target;
    if (!target || !this.init) return;
    if (target.firstStartMs === undefined) {
      if (!item.info.independent) return;
      target.firstStartMs = item.info.startMs;
      target.write(this.init);
    }
    target.write(item.data);
  }

  /**
   * Starts feeding `write`. Its media starts at the first part it gets: the run's output timeline starts there.
   * @returns where the run's media starts on the publish's timeline (the first part's media time), ms.
   */
  attach(write: Write): FeedAttachment {
    const target = { write, firstStartMs: undefined as number | undefined };
    this.target = target;
    return { offsetMs: () => target.firstStartMs };
  }

  /** Stops writing to the current run. */
  detach(): void {
    this.target = undefined;
  }
}
