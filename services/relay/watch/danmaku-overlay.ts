import { safeColor, type DanmakuItem, type DanmakuSize } from './frames.js';

/** Font size per danmaku size, px (Bilibili's). */
const FONT_PX: Readonly<Record<DanmakuSize, number>> = { small: 18, normal: 25, large: 36 };
/** Height of a lane, px: the large size and its line gap. */
const LANE_PX = 44;
/** How long a scrolling danmaku takes to cross the overlay, and a fixed one stays, ms. */
const SCROLL_MS = 8000;
const FIXED_MS = 4000;
/** Horizontal room kept between two danmaku of one scrolling lane, px. */
const GAP_PX = 24;

/** The last danmaku of a scrolling lane: when it started, its speed and width, so a later one does not catch it. */
interface ScrollLane {
  startMs: number;
  speedPxPerMs: number;
  widthPx: number;
}

/**
 * Draws danmaku over the video: scrolling right to left (`scroll`) or left to right (`reverse`), or fixed at the top
 * or bottom, in lanes that never overlap (a danmaku with no free lane is dropped, as players do), in its colour and
 * size. Text goes in with `textContent`, so no markup in it is ever parsed. `density` is the share of the height
 * used (1, 0.5, 0.25); `enabled` false hides the overlay and draws nothing. A live danmaku carries its id, by which
 * a moderator's deletion takes it off the screen.
 */
export class DanmakuOverlay {
  private readonly scroll = new Map<number, ScrollLane>();
  private readonly reverse = new Map<number, ScrollLane>();
  private readonly top = new Map<number, number>();
  private readonly bottom = new Map<number, number>();
  private enabledState = true;
  density = 1;

  constructor(private readonly layer: HTMLElement) {}

  get enabled(): boolean {
    return this.enabledState;
  }

  set enabled(on: boolean) {
    this.enabledState = on;
    this.layer.classList.toggle('off', !on);
    if (!on) this.layer.replaceChildren();
  }

  /** Pauses or resumes every danmaku on screen (the video paused or resumed). */
  setPaused(paused: boolean): void {
    for (const animation of this.layer.getAnimations({ subtree: true })) {
      if (paused) animation.pause();
      else animation.play();
    }
  }

  /**
   * Draws one danmaku now.
   * @returns whether it was drawn (false: the overlay is off or no lane is free).
   */
  show(item: DanmakuItem): boolean {
    if (!this.enabledState) return false;
    const el = document.createElement('div');
    el.className = 'danmaku';
    if (item.id) el.dataset.id = item.id;
    el.textContent = item.text;
    el.style.color = safeColor(item.color);
    el.style.fontSize = `${FONT_PX[item.size] ?? FONT_PX.normal}px`;
    el.style.visibility = 'hidden';
    this.layer.append(el);
    const width = this.layer.clientWidth;
    const lanes = Math.max(1, Math.floor((this.layer.clientHeight * this.density) / LANE_PX));
    const placed =
      item.mode === 'top' || item.mode === 'bottom'
        ? this.placeFixed(el, item.mode, lanes)
        : this.placeScrolling(el, item.mode === 'reverse', lanes, width);
    if (!placed) el.remove();
    return placed;
  }

  /**
   * Takes a danmaku off the overlay before its time (a moderator deleted it); its lane frees when it would have.
   * Nothing happens when it is not on screen.
   */
  remove(id: string): void {
    for (const el of Array.from(this.layer.children))
      if (el instanceof HTMLElement && el.dataset.id === id) el.remove();
  }

  /** Takes every danmaku off the overlay (a moderator cleared the room). */
  clear(): void {
    this.layer.replaceChildren();
  }

  private placeFixed(el: HTMLElement, mode: 'top' | 'bottom', lanes: number): boolean {
    const busy = mode === 'top' ? this.top : this.bottom;
    const now = performance.now();
    for (let lane = 0; lane < lanes; lane++) {
      if ((busy.get(lane) ?? 0) > now) continue;
      busy.set(lane, now + FIXED_MS);
      el.classList.add('fixed');
      if (mode === 'top') el.style.top = `${lane * LANE_PX}px`;
      else el.style.bottom = `${lane * LANE_PX}px`;
      el.style.visibility = 'visible';
      el.animate([{ opacity: 1 }, { opacity: 1 }], { duration: FIXED_MS }).onfinish = () => el.remove();
      return true;
    }
    return false;
  }

  private placeScrolling(el: HTMLElement, reverse: boolean, lanes: number, width: number): boolean {
    const busy = reverse ? this.reverse : this.scroll;
    const widthPx = el.offsetWidth;
    const speedPxPerMs = (width + widthPx) / SCROLL_MS;
    const now = performance.now();
    for (let lane = 0; lane < lanes; lane++) {
      const last = busy.get(lane);
      if (last && !this.follows(last, now, width, speedPxPerMs)) continue;
      busy.set(lane, { startMs: now, speedPxPerMs, widthPx });
      el.style.top = `${lane * LANE_PX}px`;
      el.style.visibility = 'visible';
      const [from, to] = reverse ? [-widthPx, width] : [width, -widthPx];
      el.animate([{ transform: `translateX(${from}px)` }, { transform: `translateX(${to}px)` }], {
        duration: SCROLL_MS,
        easing: 'linear',
      }).onfinish = () => el.remove();
      return true;
    }
    return false;
  }

  /** Whether a danmaku entering now at `speed` neither overlaps `last` now nor catches it before it leaves. */
  private follows(last: ScrollLane, now: number, width: number, speed: number): boolean {
    const travelled = (now - last.startMs) * last.speedPxPerMs;
    if (travelled < last.widthPx + GAP_PX) return false;
    const lastLeavesAt = last.startMs + (width + last.widthPx) / last.speedPxPerMs;
    const reachesEdgeAt = now + width / speed;
    return reachesEdgeAt >= lastLeavesAt;
  }
}
