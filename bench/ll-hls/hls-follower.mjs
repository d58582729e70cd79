import { setTimeout as sleep } from 'node:timers/promises';
import { httpGet } from './http-get.mjs';
import { nextReload, parseMediaPlaylist } from './playlist.mjs';

/**
 * @typedef {object} ListedItem a part, or a segment when the playlist has no parts, the first time it was listed.
 * @property {'part' | 'segment'} kind
 * @property {URL} url
 * @property {URL | undefined} mapUrl its init segment (EXT-X-MAP), undefined for MPEG-TS.
 * @property {number | undefined} listedAtMs wall time the response that first listed it arrived, ms since the
 *   epoch; undefined for what the first playlist answered already listed (when it appeared is unknown).
 * @property {number} order 0 for the first item listed, then 1, 2…
 */

/**
 * @typedef {object} FollowSummary
 * @property {'part' | 'segment' | undefined} kind what was followed; undefined when no playlist was answered.
 * @property {boolean} blocking whether the playlist allowed blocking reloads (CAN-BLOCK-RELOAD=YES).
 * @property {number} reloads playlist requests made.
 */

/**
 * Follows a live media playlist the way an LL-HLS player does (RFC 8216bis §6.2.5.2, §6.3.4): while the playlist
 * says CAN-BLOCK-RELOAD=YES, every reload is a blocking one for what comes after the last item listed
 * (`_HLS_msn`/`_HLS_part`, see {@link nextReload}); otherwise it reloads every `pollMs`. It calls `onListed` once
 * per part, or per segment when the playlist has no EXT-X-PART-INF, in the order they are listed. Until the
 * playlist exists (404) it retries every `pollMs`.
 * @param {string} url the media playlist, without a query.
 * @param {{ signal: AbortSignal, pollMs: number, onListed: (item: ListedItem) => void }} options
 * @returns {Promise<FollowSummary>} once `signal` aborts or the playlist ends (EXT-X-ENDLIST).
 */
export async function followPlaylist(url, { signal, pollMs, onListed }) {
  const seen = new Set();
  const summary = { kind: undefined, blocking: false, reloads: 0 };
  let query = '';
  let answered = false;
  while (!signal.aborted) {
    const res = await httpGet(query ? `${url}?${query}` : url, { signal }).catch(() => undefined);
    summary.reloads++;
    if (res?.status !== 200) {
      query = '';
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
      continue;
    }
    const playlist = parseMediaPlaylist(res.body.toString('utf8'));
    summary.kind = playlist.partTargetS === undefined ? 'segment' : 'part';
    summary.blocking = playlist.canBlockReload;
    for (const item of summary.kind === 'part' ? playlist.parts : playlist.segments) {
      if (seen.has(item.uri)) continue;
      onListed({
        kind: summary.kind,
        url: new URL(item.uri, url),
        mapUrl: item.mapUri === undefined ? undefined : new URL(item.mapUri, url),
        listedAtMs: answered ? res.headersAtMs : undefined,
        order: seen.size,
      });
      seen.add(item.uri);
    }
    answered = true;
    if (playlist.endList) break;
    if (playlist.canBlockReload) query = nextReload(playlist).query;
    else await sleep(pollMs, undefined, { signal }).catch(() => undefined);
  }
  return summary;
}
