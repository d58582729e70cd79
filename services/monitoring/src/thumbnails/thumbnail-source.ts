/** The two resources a thumbnail is decoded from, as URIs of a media playlist (relative or absolute). */
export interface ThumbnailSource {
  /** The init section in effect for the media: EXT-X-MAP's URI (RFC 8216 §4.3.2.5). */
  readonly initUri: string;
  /** The latest part with INDEPENDENT=YES (rfc8216bis §4.4.4.9), or else the latest segment. */
  readonly mediaUri: string;
  /** Whether `mediaUri` names a part (true) or a whole segment (false). */
  readonly part: boolean;
}

/** The value of `name=` in an attribute list (RFC 8216 §4.2): quoted strings unquoted; undefined when absent. */
export function attribute(list: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|,)${name}=("[^"]*"|[^,]*)`).exec(list);
  const value = match?.[1];
  if (value === undefined) return undefined;
  return value.startsWith('"') ? value.slice(1, -1) : value;
}

/**
 * Chooses what to decode a thumbnail from in a fMP4 media playlist (RFC 8216 and draft-pantos-hls-rfc8216bis):
 * the latest EXT-X-PART with INDEPENDENT=YES (it starts with a keyframe, and is the newest picture the playlist
 * offers), or when no part is listed (a playlist without parts, or none independent yet) the latest segment, which
 * starts with a keyframe. Either comes with the EXT-X-MAP in effect where it is listed. Preload hints are not parts
 * yet and are ignored.
 * @returns undefined when the playlist lists no media under an EXT-X-MAP (empty, or not fMP4).
 */
export function pickThumbnailSource(playlist: string): ThumbnailSource | undefined {
  let map: string | undefined;
  let part: ThumbnailSource | undefined;
  let segment: ThumbnailSource | undefined;
  for (const raw of playlist.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-MAP:')) map = attribute(line.slice('#EXT-X-MAP:'.length), 'URI');
    else if (line.startsWith('#EXT-X-PART:')) {
      const attrs = line.slice('#EXT-X-PART:'.length);
      const uri = attribute(attrs, 'URI');
      if (map !== undefined && uri && attribute(attrs, 'INDEPENDENT') === 'YES')
        part = { initUri: map, mediaUri: uri, part: true };
    } else if (line !== '' && !line.startsWith('#') && map !== undefined)
      segment = { initUri: map, mediaUri: line, part: false };
  }
  return part ?? segment;
}
