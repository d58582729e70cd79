/**
 * @typedef {object} PlaylistSegment a complete segment (an EXTINF and its URI line).
 * @property {string} uri relative to the playlist.
 * @property {number} msn media sequence number.
 * @property {number} durationS EXTINF, s.
 * @property {string | undefined} mapUri URI of the EXT-X-MAP (init segment) in force; undefined for MPEG-TS.
 *
 * @typedef {object} PlaylistPart an EXT-X-PART (RFC 8216bis §4.4.4.9).
 * @property {string} uri relative to the playlist.
 * @property {number} msn media sequence number of the segment it belongs to.
 * @property {number} index its index within that segment, from 0 (what `_HLS_part` counts).
 * @property {number} durationS DURATION, s.
 * @property {boolean} independent INDEPENDENT=YES.
 * @property {string | undefined} mapUri URI of the EXT-X-MAP in force.
 *
 * @typedef {object} MediaPlaylist
 * @property {number} mediaSequence EXT-X-MEDIA-SEQUENCE.
 * @property {number} targetDurationS EXT-X-TARGETDURATION, s.
 * @property {number | undefined} partTargetS PART-TARGET of EXT-X-PART-INF, s; undefined when the playlist has no
 *   parts (not low-latency).
 * @property {boolean} canBlockReload EXT-X-SERVER-CONTROL CAN-BLOCK-RELOAD=YES.
 * @property {boolean} endList EXT-X-ENDLIST.
 * @property {PlaylistSegment[]} segments complete segments, oldest first.
 * @property {PlaylistPart[]} parts every part listed, of complete segments and of the one in progress, in order.
 * @property {string | undefined} preloadHintUri URI of EXT-X-PRELOAD-HINT TYPE=PART.
 */

/** Attributes of an attribute list (RFC 8216bis §4.2): NAME=value or NAME="quoted value", quotes removed. */
function attributes(value) {
  const attrs = {};
  for (const [, name, raw] of value.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
    attrs[name] = raw.startsWith('"') ? raw.slice(1, -1) : raw;
  }
  return attrs;
}

/**
 * Parses a media playlist (RFC 8216bis §4.4) as far as following it live needs: media sequence, target and part
 * target durations, server control, init segments (EXT-X-MAP), segments (EXTINF + URI), parts (EXT-X-PART, each
 * numbered by segment and index as `_HLS_msn`/`_HLS_part` count them), the part preload hint and EXT-X-ENDLIST.
 * Playlists with EXT-X-SKIP (delta updates) are not supported: never ask for `_HLS_skip`.
 * @param {string} text
 * @returns {MediaPlaylist}
 */
export function parseMediaPlaylist(text) {
  /** @type {MediaPlaylist} */
  const playlist = {
    mediaSequence: 0,
    targetDurationS: 0,
    partTargetS: undefined,
    canBlockReload: false,
    endList: false,
    segments: [],
    parts: [],
    preloadHintUri: undefined,
  };
  let mapUri;
  let durationS = 0;
  let partIndex = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) {
      const msn = playlist.mediaSequence + playlist.segments.length;
      playlist.segments.push({ uri: line, msn, durationS, mapUri });
      partIndex = 0;
      continue;
    }
    const colon = line.indexOf(':');
    const tag = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1);
    if (tag === '#EXT-X-MEDIA-SEQUENCE') playlist.mediaSequence = Number(value);
    else if (tag === '#EXT-X-TARGETDURATION') playlist.targetDurationS = Number(value);
    else if (tag === '#EXT-X-PART-INF') playlist.partTargetS = Number(attributes(value)['PART-TARGET']);
    else if (tag === '#EXT-X-SERVER-CONTROL') playlist.canBlockReload = attributes(value)['CAN-BLOCK-RELOAD'] === 'YES';
    else if (tag === '#EXT-X-MAP') mapUri = attributes(value).URI;
    else if (tag === '#EXTINF') durationS = parseFloat(value);
    else if (tag === '#EXT-X-ENDLIST') playlist.endList = true;
    else if (tag === '#EXT-X-PART') {
      const attrs = attributes(value);
      playlist.parts.push({
        uri: attrs.URI,
        msn: playlist.mediaSequence + playlist.segments.length,
        index: partIndex++,
        durationS: Number(attrs.DURATION),
        independent: attrs.INDEPENDENT === 'YES',
        mapUri,
      });
    } else if (tag === '#EXT-X-PRELOAD-HINT') {
      const attrs = attributes(value);
      if (attrs.TYPE === 'PART') playlist.preloadHintUri = attrs.URI;
    }
  }
  return playlist;
}

/**
 * The query of a blocking playlist reload (RFC 8216bis §6.2.5.2) for what comes after the last item listed: the
 * next part (`_HLS_msn=M&_HLS_part=N`, the first part of the next segment when the last listed part closed a
 * segment) when the playlist has parts, else the next segment (`_HLS_msn=M`).
 * @param {MediaPlaylist} playlist
 * @returns {{ msn: number, part: number | undefined, query: string }}
 */
export function nextReload(playlist) {
  const inProgress = playlist.mediaSequence + playlist.segments.length;
  if (playlist.partTargetS === undefined) return { msn: inProgress, part: undefined, query: `_HLS_msn=${inProgress}` };
  const last = playlist.parts.at(-1);
  const [msn, part] = last && last.msn === inProgress ? [last.msn, last.index + 1] : [inProgress, 0];
  return { msn, part, query: `_HLS_msn=${msn}&_HLS_part=${part}` };
}
