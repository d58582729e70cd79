import { PROTOCOL_VERSION } from '@onair/realtime';
import type { Danmaku } from '../danmaku/danmaku-kind.js';
import type { ReplayItem } from '../formats/replay-item.js';

/** Name of an imported danmaku whose document gave no sender hash. */
export const IMPORTED_DEFAULT_NAME = 'bilibili';

/**
 * A danmaku imported from a Bilibili XML document into a publish, as {@link ImportStore} keeps it: a danmaku frame
 * (protocol v1) of the room and publish, marked `imported: true`, with `importedBy` the user id of the token that
 * imported it. The author is the document's (danmaku-formats.md §3.2): `userId` `bilibili:<p[6] sender hash>` and
 * `name` the hash, so an export gives the same hash back; `id` `bilibili:<p[7] row id>`; `sentAtMs` the document's
 * send time; `streamTimeMs` its appear time.
 */
export interface ImportedDanmaku extends Danmaku {
  readonly publishId: string;
  readonly imported: true;
  readonly importedBy: string;
}

/**
 * The stored form of one item read by importBilibiliXml, imported into publish `publishId` of `room` by the user
 * `importedBy`.
 */
export function importedDanmaku(
  item: ReplayItem,
  room: string,
  publishId: string,
  importedBy: string,
): ImportedDanmaku {
  return {
    v: PROTOCOL_VERSION,
    type: 'danmaku',
    id: item.id,
    room,
    name: item.name === '' ? IMPORTED_DEFAULT_NAME : item.name,
    userId: item.userId,
    text: item.text,
    sentAtMs: item.sentAtMs,
    mode: item.mode,
    color: item.color,
    size: item.size,
    streamTimeMs: item.streamTimeMs,
    publishId,
    imported: true,
    importedBy,
  };
}
