import type { DanmakuMode, DanmakuItem } from './frames.js';
import type { DanmakuOverlay } from './danmaku-overlay.js';

/** An item of artplayer-plugin-danmuku's list (`danmaku.artplayer.json`): time in s, mode 0 scroll, 1 top, 2 bottom. */
interface ArtplayerItem {
  readonly text: string;
  readonly time: number;
  readonly mode: number;
  readonly color: string;
}

const MODES: readonly DanmakuMode[] = ['scroll', 'top', 'bottom'];
/** A playhead move larger than this between two time updates is a seek: the danmaku skipped are not drawn, s. */
const SEEK_S = 1.5;

/**
 * Plays a recording's danmaku with its video: reads the publish's list from the danmaku service
 * (`GET /api/rooms/<room>/danmaku.artplayer.json?publish=<id>`, times in stream seconds, the recording's media
 * time) and draws each one as the playhead passes its time; after a seek it goes on from the new position.
 * @throws (the promise) Error when the list cannot be read.
 */
export async function playReplayDanmaku(
  danmakuUrl: string,
  room: string,
  publishId: string,
  video: HTMLVideoElement,
  overlay: DanmakuOverlay,
): Promise<number> {
  const url = new URL(`/api/rooms/${room}/danmaku.artplayer.json`, danmakuUrl);
  url.searchParams.set('publish', publishId);
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`replay danmaku: HTTP ${res.status}`);
  const items = ((await res.json()) as ArtplayerItem[]).slice().sort((a, b) => a.time - b.time);
  let next = 0;
  let last = video.currentTime;
  const draw = (item: ArtplayerItem): DanmakuItem => ({
    text: item.text,
    mode: MODES[item.mode] ?? 'scroll',
    color: item.color,
    size: 'normal',
  });
  const onTime = (): void => {
    const now = video.currentTime;
    if (now < last || now - last > SEEK_S) {
      next = items.findIndex((item) => item.time >= now);
      if (next < 0) next = items.length;
    } else {
      for (; next < items.length && items[next]!.time <= now; next++) overlay.show(draw(items[next]!));
    }
    last = now;
  };
  video.addEventListener('timeupdate', onTime);
  return items.length;
}
