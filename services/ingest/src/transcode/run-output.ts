/**
 * One ffmpeg run's output on its way to the renditions, in order behind the run before it. When a reconnect replaces
 * a run, the old one still flushes what its encoders held while the new one starts: the new run's steps (its init
 * segments and parts) are held until the old run is done — its last part and its renditions' discontinuity written
 * (RFC 8216 §4.3.2.3) — so each rendition gets the old media, the discontinuity, then the new media.
 */
export class RunOutput {
  /** Steps waiting for the run before this one; undefined once they may go at once. */
  private held: Array<() => void> | undefined;
  private ended = false;
  private markDone: () => void = () => undefined;
  /** Resolves once the run's output and its last step are written: the next run's output may follow. */
  readonly done = new Promise<void>((resolve) => (this.markDone = resolve));

  /**
   * @param before the previous run's output: this one's steps wait until it is done. None: they go at once.
   * @param run how a step is run, the caller's error guard (a step may run from a promise callback, where an
   *   exception would otherwise be an unhandled rejection). Each step is run on its own.
   */
  constructor(
    before: RunOutput | undefined,
    private readonly run: (step: () => void) => void,
  ) {
    if (!before) return;
    this.held = [];
    void before.done.then(() => this.release());
  }

  /** Writes one step of the run's output now, or once the run before it is done. Ignored after {@link end}. */
  take(step: () => void): void {
    if (!this.ended) this.queue(step);
  }

  /**
   * The run has finished (all its output was taken): `last` follows that output, then `done` resolves. Later calls
   * and steps are ignored.
   */
  end(last: () => void): void {
    if (this.ended) return;
    this.ended = true;
    this.queue(() => {
      try {
        last();
      } finally {
        this.markDone();
      }
    });
  }

  /** Forgets the steps not yet written and ends: nothing more of the run is written, the next run may follow. */
  discard(): void {
    if (this.held) this.held = [];
    this.end(() => undefined);
  }

  private queue(step: () => void): void {
    if (this.held) this.held.push(step);
    else this.run(step);
  }

  private release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const step of held) this.run(step);
  }
}
