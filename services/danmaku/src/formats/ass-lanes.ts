/**
 * Lane allocation for ASS danmaku, so that no two danmaku overlap on screen (the rule of danmaku2ass and of
 * Bilibili's player): the screen height is cut into lanes of one normal line each; a danmaku takes as many
 * consecutive lanes as its font needs. All positions are in the script's PlayRes pixels, times in ms.
 */

/** One danmaku to place. */
export interface LaneRequest {
  /** `scroll` moves right to left, `reverse` left to right, `fixed` stays centred (top or bottom). */
  readonly motion: 'scroll' | 'reverse' | 'fixed';
  /** When it appears, ms. */
  readonly startMs: number;
  /** How long it is on screen, ms. */
  readonly durationMs: number;
  /** Its width, px. */
  readonly widthPx: number;
  /** How many lanes it needs (≥ 1). */
  readonly lanes: number;
}

interface Occupant {
  readonly motion: LaneRequest['motion'];
  readonly startMs: number;
  readonly endMs: number;
  /** px/ms; 0 when fixed. */
  readonly speed: number;
  readonly widthPx: number;
}

/** Speed of a moving danmaku: it crosses the screen and its own width in its duration, px/ms. */
function speedOf(request: LaneRequest, screenWidthPx: number): number {
  return request.motion === 'fixed' ? 0 : (screenWidthPx + request.widthPx) / request.durationMs;
}

/**
 * Whether `next`, starting at its start time, never touches `last` in the same lane: a fixed danmaku needs the last
 * one gone; a moving one needs the last one moving the same way, its tail fully on screen, and never caught up
 * with before it leaves (checked at both ends of the time they share, since both move linearly).
 */
function fits(last: Occupant, next: Occupant, screenWidthPx: number): boolean {
  if (next.startMs >= last.endMs) return true;
  if (next.motion === 'fixed' || next.motion !== last.motion) return false;
  const gapAt = (atMs: number): number => {
    const lastTail = screenWidthPx - last.speed * (atMs - last.startMs) + last.widthPx;
    const nextHead = screenWidthPx - next.speed * (atMs - next.startMs);
    return nextHead - lastTail;
  };
  return gapAt(next.startMs) >= 0 && gapAt(Math.min(last.endMs, next.endMs)) >= 0;
}

/**
 * Places danmaku into `laneCount` lanes (lane 0 at the top), one request at a time in the order given (sort by
 * start time first). All motions share the lanes, so a fixed danmaku is never drawn over a moving one; top danmaku
 * take the highest free lanes, bottom ones the lowest. A danmaku that fits nowhere gets -1 (dropped rather than
 * drawn over another).
 */
export class LaneAllocator {
  private readonly occupants: (Occupant | undefined)[];

  /**
   * @param laneCount lanes on screen (≥ 1)
   * @param screenWidthPx the script's PlayResX
   */
  constructor(
    laneCount: number,
    private readonly screenWidthPx: number,
  ) {
    this.occupants = new Array<Occupant | undefined>(Math.max(1, laneCount)).fill(undefined);
  }

  /**
   * The first of `request.lanes` consecutive free lanes and marks them taken; -1 if none fit.
   * @param fromBottom search from the last lane up (bottom danmaku) instead of from lane 0 down
   */
  place(request: LaneRequest, fromBottom = false): number {
    const next: Occupant = {
      motion: request.motion,
      startMs: request.startMs,
      endMs: request.startMs + request.durationMs,
      speed: speedOf(request, this.screenWidthPx),
      widthPx: request.widthPx,
    };
    const span = Math.max(1, request.lanes);
    const last = this.occupants.length - span;
    for (let step = 0; step <= last; step++) {
      const first = fromBottom ? last - step : step;
      const lanes = this.occupants.slice(first, first + span);
      if (lanes.every((last) => last === undefined || fits(last, next, this.screenWidthPx))) {
        this.occupants.fill(next, first, first + span);
        return first;
      }
    }
    return -1;
  }
}
