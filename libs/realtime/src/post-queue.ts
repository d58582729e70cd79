/**
 * One connection's posts on their way to the store: handled one at a time in arrival order (so a
 * viewer's messages are stored in the order it sent them), with at most `capacity` waiting behind the
 * one being handled.
 */
export class PostQueue<T> {
  private readonly waiting: T[] = [];
  private running = false;
  private closed = false;

  /**
   * @param capacity most items waiting (not counting the one being handled)
   * @param handle handles one item; must not reject
   */
  constructor(
    private readonly capacity: number,
    private readonly handle: (item: T) => Promise<void>,
  ) {}

  /** Queues `item`; false when `capacity` items are already waiting or the queue is closed. */
  push(item: T): boolean {
    if (this.closed || this.waiting.length >= this.capacity) return false;
    this.waiting.push(item);
    if (!this.running) void this.run();
    return true;
  }

  /** Drops the waiting items and refuses new ones; the item being handled runs to its end. */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (let item = this.waiting.shift(); item !== undefined; item = this.waiting.shift()) await this.handle(item);
    } finally {
      this.running = false;
    }
  }
}
