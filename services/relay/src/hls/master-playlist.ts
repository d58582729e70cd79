/** One variant stream of a master playlist: a rendition with what is known of it. */
export interface MasterVariant {
  /** Rendition name; its media playlist is `<name>/index.m3u8`. */
  readonly name: string;
  /** Nominal peak bit rate from the ladder, bit/s; 0 when unknown. */
  readonly nominalBandwidth: number;
  /** Measured peak segment bit rate, bit/s; 0 when not measured yet. */
  readonly peakBitrate: number;
  /** Measured average bit rate, bit/s; 0 when not measured yet. */
  readonly averageBitrate: number;
  /** Coded picture size, pixels; 0 when unknown (audio only). */
  readonly width: number;
  readonly height: number;
  /** RFC 6381 codecs string; empty when unknown. */
  readonly codecs: string;
  /** Frames per second; 0 when unknown. */
  readonly frameRate: number;
}

/** Protocol version: fMP4 segments with EXT-X-MAP need 6+ (RFC 8216 §7); 7 is what fMP4 players expect. */
export const HLS_VERSION = 7;

/** The BANDWIDTH attribute (RFC 8216 §4.3.4.2): the peak, nominal or measured, whichever is higher, bit/s. */
export function peakBandwidth(v: MasterVariant): number {
  return Math.ceil(Math.max(v.nominalBandwidth, v.peakBitrate));
}

function streamInf(v: MasterVariant): string {
  const attrs = [`BANDWIDTH=${peakBandwidth(v)}`];
  if (v.averageBitrate > 0) attrs.push(`AVERAGE-BANDWIDTH=${Math.ceil(v.averageBitrate)}`);
  if (v.width > 0 && v.height > 0) attrs.push(`RESOLUTION=${v.width}x${v.height}`);
  if (v.codecs !== '') attrs.push(`CODECS="${v.codecs}"`);
  if (v.frameRate > 0) attrs.push(`FRAME-RATE=${v.frameRate.toFixed(3)}`);
  return `#EXT-X-STREAM-INF:${attrs.join(',')}`;
}

/**
 * Renders a master playlist (RFC 8216 §4.3.4.2 EXT-X-STREAM-INF), one variant per rendition, highest
 * BANDWIDTH first so players that pick the first variant start with the best one.
 */
export function renderMasterPlaylist(variants: readonly MasterVariant[]): string {
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${HLS_VERSION}`, '#EXT-X-INDEPENDENT-SEGMENTS'];
  const ordered = [...variants].sort((a, b) => peakBandwidth(b) - peakBandwidth(a));
  for (const v of ordered) lines.push(streamInf(v), `${v.name}/index.m3u8`);
  return `${lines.join('\n')}\n`;
}
