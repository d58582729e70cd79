/** One change of a watched playlist: when it was seen, its last URI (segment or part) and the edge that served it. */
export interface PlaylistAdvance {
  readonly atMs: number;
  readonly last: string;
  /** HAProxy's X-Onair-Edge header: the edge relay that answered. */
  readonly edge: string | undefined;
}

/** A running {@link watchPlaylist}. */
export interface PlaylistWatch {
  /** Every change seen, oldest first. */
  readonly advances: PlaylistAdvance[];
  /** Failed fetches (no answer, or not 2xx) so far. */
  failures(): number;
  /** The longest time without a change between `fromMs` and `toMs` (epoch ms), ms. */
  longestStallMs(fromMs: number, toMs: number): number;
  /** The first change after `afterMs` (epoch ms), if any. */
  firstAdvanceAfter(afterMs: number): PlaylistAdvance | undefined;
  stop(): void;
}

/**
 * Polls a media playlist (RFC 8216; LL-HLS draft §4.4.3 for parts) every `intervalMs` and records each time its
 * last URI changes: the playlist advancing is what a player needs to keep playing.
 */
export function watchPlaylist(url: string, intervalMs = 250): PlaylistWatch {
  const advances: PlaylistAdvance[] = [];
  let failures = 0;
  let stopped = false;

  const poll = async (): Promise<void> => {
    while (!stopped) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
        const text = res.ok ? await res.text() : undefined;
        const uris = text
          ?.split('\n')
          .flatMap((l) => /^#EXT-X-PART:.*URI="([^"]+)"/.exec(l)?.[1] ?? (l && !l.startsWith('#') ? [l] : []));
        const last = uris?.at(-1);
        if (!last) failures++;
        else if (last !== advances.at(-1)?.last)
          advances.push({ atMs: Date.now(), last, edge: res.headers.get('x-onair-edge') ?? undefined });
      } catch {
        failures++;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  void poll();

  return {
    advances,
    failures: () => failures,
    longestStallMs: (fromMs, toMs) =>
      longestGap(
        advances.map((a) => a.atMs),
        fromMs,
        toMs,
      ),
    firstAdvanceAfter: (afterMs) => advances.find((a) => a.atMs > afterMs),
    stop: () => {
      stopped = true;
    },
  };
}

/** The longest time between `fromMs`, the times in `timesMs` between it and `toMs`, and `toMs` (epoch ms), ms. */
export function longestGap(timesMs: readonly number[], fromMs: number, toMs: number): number {
  const times = [fromMs, ...timesMs.filter((t) => t > fromMs && t < toMs), toMs];
  return Math.max(...times.slice(1).map((t, i) => t - times[i]!));
}
