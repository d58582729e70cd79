// Room thumbnails (`GET /api/rooms/<room>/thumbnail.jpg`, a JPEG of a recent keyframe): one <img> per room kept across
// renders, loaded again at most every 10 s; a thumbnail that fails to load (404 before the first one is made) is
// hidden, leaving the placeholder text.
import { el } from './dom.js';

/** How often a room's thumbnail is loaded again, ms. */
export const THUMBNAIL_REFRESH_MS = 10_000;

interface Thumbnail {
  box: HTMLDivElement;
  img: HTMLImageElement;
  loadedAtMs: number;
}

/** The thumbnails of the live rooms. */
export class Thumbnails {
  #rooms = new Map<string, Thumbnail>();

  /** The thumbnail box of `room`, reloading its image when it is older than {@link THUMBNAIL_REFRESH_MS}. */
  box(room: string, nowMs: number): HTMLDivElement {
    let thumb = this.#rooms.get(room);
    if (!thumb) {
      const box = el('div', 'thumbnail', 'no thumbnail');
      const img = el('img');
      img.alt = `thumbnail of ${room}`;
      img.hidden = true;
      img.addEventListener('load', () => {
        img.hidden = false;
        box.replaceChildren(img);
      });
      img.addEventListener('error', () => {
        img.hidden = true;
        box.replaceChildren('no thumbnail');
      });
      thumb = { box, img, loadedAtMs: Number.NEGATIVE_INFINITY };
      this.#rooms.set(room, thumb);
    }
    if (nowMs - thumb.loadedAtMs >= THUMBNAIL_REFRESH_MS) {
      thumb.loadedAtMs = nowMs;
      thumb.img.src = `/api/rooms/${encodeURIComponent(room)}/thumbnail.jpg?t=${nowMs}`;
    }
    return thumb.box;
  }

  /** Forgets the rooms not in `live`. */
  keep(live: ReadonlySet<string>): void {
    for (const room of this.#rooms.keys()) if (!live.has(room)) this.#rooms.delete(room);
  }
}
