/** A step back in an encoder's timestamps larger than this is a reset of its clock, not interleaving, ms. */
const MAX_BACKWARD_MS = 1000;
/** A step forward larger than this is a jump of the encoder's clock, not a gap in its media, ms. */
const MAX_FORWARD_MS = 10_000;
const WRAP = 2 ** 32;

/**
 * Turns one publish's RTMP message timestamps (ms modulo 2^32, RTMP spec 1.0 §5.3.1.1; audio and video sharing
 * one clock) into a timeline that never wraps and never jumps. A timestamp is read relative to the one before it
 * (a step of less than half of 2^32 either way), so passing 2^32 ms (49.7 days) carries on; a step back of more
 * than a second, or forward of more than ten seconds (an encoder that restarted its clock, a broken muxer), is
 * rebased so the timeline goes on from where it was. Small steps back between audio and video pass unchanged.
 */
export class TimestampRebaser {
  private lastRaw: number | undefined;
  private unwrapped = 0;
  private offset = 0;
  private latest = 0;
  private rebased = 0;

  /** How many times the timeline was rebased. */
  get rebaseCount(): number {
    return this.rebased;
  }

  /**
   * @param timestampMs an RTMP message timestamp, 0 ≤ t < 2^32.
   * @returns the timestamp on the publish's continuous timeline, ms (a safe integer).
   */
  map(timestampMs: number): number {
    if (this.lastRaw === undefined) {
      this.lastRaw = timestampMs;
      this.unwrapped = timestampMs;
      this.latest = timestampMs;
      return timestampMs;
    }
    let step = (timestampMs - this.lastRaw) % WRAP;
    if (step < 0) step += WRAP;
    if (step >= WRAP / 2) step -= WRAP;
    this.lastRaw = timestampMs;
    this.unwrapped += step;
    let out = this.unwrapped + this.offset;
    if (out < this.latest - MAX_BACKWARD_MS || out > this.latest + MAX_FORWARD_MS) {
      this.offset += this.latest - out;
      out = this.latest;
      this.rebased++;
    }
    if (out > this.latest) this.latest = out;
    return out;
  }
}
