/**
 * One connection's posts on their way to the store, pipelined: each post is handed to `store` as soon as it is
 * pushed, so many wait for their acks at once, while their outcomes reach `report` one at a time in push order
 * (a post's outcome waits for those of the posts before it). Posts are stored in push order when `store`
 * publishes before it first waits on anything that may finish out of order (RoomLog.append writes its publish
 * at the call, and nats.js writes publishes to the socket in call order). At most `capacity + 1` posts are
 * outstanding (being stored, or stored and waiting for their outcome to be reported): the oldest and
 * `capacity` behind it.
 */
export class PostQueue<T, R> {
  private readonly outstanding: Array<{ readonly item: T; readonly outcome: Promise<R> }> = [];
  private reporting = false;
  private closed = false;

  /**
   * @param capacity most posts outstanding behind the oldest
   * @param store stores one post and resolves to its outcome; must not reject
   * @param report takes the outcome of each post, in push order; must not throw
   */
  constructor(
    private readonly capacity: number,
    private readonly store: (item: T) => Promise<R>,
    private readonly report: (item: T, outcome: R) => void,
  ) {}

  /** Posts outstanding (being stored or waiting to be reported). */
  get size(): number {
    return this.outstanding.length;
  }

  /** Starts storing `item`; false (not stored) when `capacity + 1` posts are outstanding or the queue is closed. */
  push(item: T): boolean {
    if (this.closed || this.outstanding.length > this.capacity) return false;
    this.outstanding.push({ item, outcome: this.store(item) });
    if (!this.reporting) void this.reportInOrder();
    return true;
  }

  /** Refuses new posts and reports no more outcomes; the posts already handed to `store` run to their end. */
  close(): void {
    this.closed = true;
  }

  private async reportInOrder(): Promise<void> {
    this.reporting = true;
    try {
      for (let head = this.outstanding[0]; head !== undefined; head = this.outstanding[0]) {
        const outcome = await head.outcome;
        this.outstanding.shift();
        if (!this.closed) this.report(head.item, outcome);
      }
    } finally {
      this.reporting = false;
    }
  }
}
