// Room thumbnails (`GET /api/rooms/<room>/thumbnail.jpg`, a JPEG of a recent keyframe): one <img> per room kept across
// renders, loaded again when the report's `thumbnailAtMs` says a new one was made; a room without one, or whose
// thumbnail fails to load, shows the placeholder text.
import { el } from './dom.js';

interface Thumbnail {
  box: HTMLDivElement;
  img: HTMLImageElement;
  /** The `thumbnailAtMs` of the image loaded last; null when none was. */
  madeAtMs: number | null;
}

/** The thumbnails of the live rooms. */
export class Thumbnails {
  #rooms = new Map<string, Thumbnail>();

  /** The thumbnail box of `room`, loading its image again when `madeAtMs` (the report's `thumbnailAtMs`) changed. */
  box(room: string, madeAtMs: number | null): HTMLDivElement {
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
      thumb = { box, img, madeAtMs: null };
      this.#rooms.set(room, thumb);
    }
    if (madeAtMs !== null && madeAtMs !== thumb.madeAtMs) {
      thumb.madeAtMs = madeAtMs;
      thumb.img.src = `/api/rooms/${encodeURIComponent(room)}/thumbnail.jpg?t=${madeAtMs}`;
    }
    return thumb.box;
  }

  /** Forgets the rooms not in `live`. */
  keep(live: ReadonlySet<string>): void {
    for (const room of this.#rooms.keys()) if (!live.has(room)) this.#rooms.delete(room);
  }
}
