import type { StatusHistory } from './status-history.js';
import type { StatusReport, StatusSnapshot, StatusUpdate } from './status-types.js';

/** Options of {@link createStatusFeed}. */
export interface StatusFeedOptions {
  /** Builds the current report from the targets' latest states. */
  build: () => StatusReport;
  history: StatusHistory;
  /** How long to wait after a poll settles for the other targets of its round, ms. @default 25 */
  coalesceMs?: number;
}

/** Turns poll rounds into status updates for the dashboard's Server-Sent Events. */
export interface StatusFeed {
  /** Tells the feed that a target's poll settled; the rebuild waits `coalesceMs` for the rest of the round. */
  polled(): void;
  /** The latest report and the whole history. */
  snapshot(): StatusSnapshot;
  /** The latest report. */
  report(): StatusReport;
  /** Calls `listener` with each update; returns the function that unsubscribes. */
  subscribe(listener: (update: StatusUpdate) => void): () => void;
  /** Cancels a pending rebuild. */
  stop(): void;
}

/** The report without the time it was built at, to compare two reports. */
const content = (report: StatusReport): string => JSON.stringify({ ...report, generatedAtMs: 0 });

/**
 * Creates a {@link StatusFeed}: after each poll round it rebuilds the report, lets the history take a point, and
 * calls every listener when the report changed or a point was taken (an unchanged report between two points is not
 * sent again).
 */
export function createStatusFeed({ build, history, coalesceMs = 25 }: StatusFeedOptions): StatusFeed {
  const listeners = new Set<(update: StatusUpdate) => void>();
  let latest = build();
  let last = content(latest);
  history.record(latest);
  let timer: NodeJS.Timeout | undefined;

  const rebuild = (): void => {
    timer = undefined;
    latest = build();
    const sampled = history.record(latest);
    const now = content(latest);
    if (!sampled && now === last) return;
    last = now;
    for (const listener of listeners) listener({ report: latest, sampled });
  };

  return {
    polled() {
      timer ??= setTimeout(rebuild, coalesceMs);
    },
    snapshot: () => ({ report: latest, history: history.snapshot() }),
    report: () => latest,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
