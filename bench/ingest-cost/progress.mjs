import { call, createClient, deadlineIn } from '@onair/grpc-kit';
import { onair } from '@onair/proto';
import { httpGet } from '../ll-hls/http-get.mjs';
import { parseMediaPlaylist } from '../ll-hls/playlist.mjs';

/**
 * Where each stream is, by name: a position that grows while the stream is live (compared element by element), or
 * undefined when the stream could not be read.
 * @typedef {Map<string, number[] | undefined>} Positions
 */

/**
 * The newest media each playlist lists (RFC 8216bis §4.4): the last `#EXT-X-PART` as [media sequence number, part
 * index], or, without parts, [media sequence of the last complete segment, 0].
 * @param {Map<string, string>} urls media playlist URL by stream name.
 * @returns {Promise<Positions>} undefined for a playlist that did not answer 200.
 */
export async function playlistPositions(urls) {
  const entries = await Promise.all(
    [...urls].map(async ([name, url]) => {
      const res = await httpGet(url).catch(() => undefined);
      if (res?.status !== 200) return [name, undefined];
      const playlist = parseMediaPlaylist(res.body.toString('utf8'));
      const part = playlist.parts.at(-1);
      return [name, part ? [part.msn, part.index] : [playlist.mediaSequence + playlist.segments.length - 1, 0]];
    }),
  );
  return new Map(entries);
}

/**
 * Bytes each stream of nginx-rtmp's application `live` received so far, from its `rtmp_stat` XML (`<stream>
 * <name>…</name> … <bytes_in>…</bytes_in>`), as [bytes].
 * @param {string} statUrl
 * @returns {Promise<Positions>}
 * @throws Error when the stat page does not answer 200.
 */
export async function nginxStreamBytes(statUrl) {
  const res = await httpGet(statUrl);
  if (res.status !== 200) throw new Error(`GET ${statUrl}: ${res.status}`);
  const positions = new Map();
  for (const [, stream] of res.body.toString('utf8').matchAll(/<stream>([\s\S]*?)<\/stream>/g)) {
    const name = /<name>([^<]*)<\/name>/.exec(stream)?.[1];
    const bytes = /<bytes_in>(\d+)<\/bytes_in>/.exec(stream)?.[1];
    if (name !== undefined) positions.set(name, bytes === undefined ? undefined : [Number(bytes)]);
  }
  return positions;
}

/**
 * The frame rate ingest measured on each live room's `source` rendition over the last 10 s, from its
 * `onair.telemetry.v1.TelemetryService/GetStats`: above 0 for every room whose publish it is still repackaging.
 * @param {string} address ingest's gRPC "host:port".
 * @returns {Promise<Map<string, number>>} fps by room.
 * @throws OnairError when the call fails or takes over 10 s.
 */
export async function ingestSourceFps(address) {
  const client = createClient(onair().telemetry.v1.TelemetryService, address);
  try {
    const stats = await call((cb) => client.GetStats({}, { deadline: deadlineIn(10_000) }, cb));
    return new Map(stats.rooms.map((r) => [r.room, r.renditions.find((x) => x.name === 'source')?.fps ?? 0]));
  } finally {
    client.close();
  }
}

/**
 * Streams whose position grew from `before` to `after`.
 * @param {string[]} names the streams expected.
 * @param {Positions} before
 * @param {Positions} after
 * @returns {string[]} the names, of those expected, that advanced.
 */
export function advancing(names, before, after) {
  const grew = (a, b) => {
    for (let i = 0; i < a.length; i++) if (b[i] !== a[i]) return b[i] > a[i];
    return false;
  };
  return names.filter((name) => before.get(name) && after.get(name) && grew(before.get(name), after.get(name)));
}
