/**
 * The URIs of the first EXT-X-PART of a media playlist and of the EXT-X-MAP before it (draft-pantos-hls-rfc8216bis
 * §4.4.4.9, RFC 8216 §4.3.2.5), relative to the playlist.
 * @throws Error when the playlist lists no part.
 */
export function firstPart(playlist: string): { part: string; init: string } {
  let init: string | undefined;
  for (const line of playlist.split('\n')) {
    const map = /^#EXT-X-MAP:URI="([^"]+)"/.exec(line);
    if (map?.[1]) init = map[1];
    const part = /^#EXT-X-PART:.*URI="([^"]+)"/.exec(line);
    if (part?.[1] && init) return { part: part[1], init };
  }
  throw new Error(`no EXT-X-PART in the playlist:\n${playlist}`);
}
