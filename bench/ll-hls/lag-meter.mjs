import { fmp4VideoTimes, readVideoTrack } from './fmp4.mjs';
import { followPlaylist } from './hls-follower.mjs';
import { httpGet } from './http-get.mjs';
import { tsVideoTimes } from './mpegts.mjs';

/**
 * @typedef {object} LagResult
 * @property {'part' | 'segment' | undefined} kind what was measured: part lag, or segment lag when the playlist
 *   had no parts; undefined when it never answered.
 * @property {boolean} blocking whether reloads were blocking (else polled every `pollMs`).
 * @property {number[]} lagsMs per item: listed wall time − arrival of its last frame at the proxy, ms.
 * @property {number} listed items listed.
 * @property {number} untimed items the first playlist answered already listed (left out).
 * @property {number} unmatched items whose last frame the proxy has no arrival for.
 * @property {number | undefined} offsetMs media time − RTMP timestamp, ms (see {@link startLagMeter}).
 * @property {string[]} errors failed downloads or parses (the first 5).
 */

async function download(url) {
  const res = await httpGet(url);
  if (res.status !== 200) throw new Error(`GET ${url.pathname}: ${res.status}`);
  return res.body;
}

/**
 * Starts measuring the lag of a live media playlist behind the publisher: {@link followPlaylist} notes when each
 * part (or segment) is first listed, while every item is downloaded at once and the decode times of its first and
 * last video samples read (fMP4: tfdt + trun, timescale from the init's mdhd; MPEG-TS: PES DTS at 90 kHz). The
 * constant offset between media time and RTMP timestamps comes from the first item listed, which must be the
 * start of the stream (start the meter before the publish): its last sample is the n-th frame the proxy saw, n
 * its sample count. (Its last sample, not its first: muxers move the first frame alone to time 0, e.g. ingest's
 * ffmpeg puts at 0 the frame that RTMP stamps 21 ms, after the first AAC packet, and stretches its duration.)
 * The lag of an item is the time it was listed minus the arrival at the proxy of the RTMP frame whose timestamp
 * is its last sample's decode time.
 * @param {{ url: string, frames: import('./proxy.mjs').FrameArrivals, pollMs: number }} options
 * @returns {{ firstListed: Promise<void>, stop: () => Promise<LagResult> }} firstListed resolves once something is
 *   listed; stop ends the measurement and resolves once every download is done.
 */
export function startLagMeter({ url, frames, pollMs }) {
  const controller = new AbortController();
  const inits = new Map();
  const videoTrack = (mapUrl) => {
    if (!inits.has(mapUrl.href)) inits.set(mapUrl.href, download(mapUrl).then(readVideoTrack));
    return inits.get(mapUrl.href);
  };
  const measured = [];
  const errors = [];
  const jobs = [];
  let listed;
  const firstListed = new Promise((resolve) => (listed = resolve));
  const following = followPlaylist(url, {
    signal: controller.signal,
    pollMs,
    onListed(item) {
      listed();
      const times = item.url.pathname.endsWith('.ts')
        ? download(item.url).then(tsVideoTimes)
        : Promise.all([download(item.url), videoTrack(item.mapUrl)]).then(([body, track]) =>
            fmp4VideoTimes(body, track),
          );
      jobs.push(times.then((t) => measured.push({ ...item, ...t })).catch((err) => errors.push(String(err))));
    },
  });
  return {
    firstListed,
    async stop() {
      controller.abort();
      const summary = await following;
      await Promise.all(jobs);
      const first = measured.find((m) => m.order === 0);
      const calibration = first && frames.timestampOf(first.samples - 1);
      const offsetMs = calibration === undefined ? undefined : first.lastMs - calibration;
      const lagsMs = [];
      let unmatched = 0;
      for (const item of measured.sort((a, b) => a.order - b.order)) {
        if (item.listedAtMs === undefined) continue;
        const arrival = offsetMs === undefined ? undefined : frames.arrivalMs(Math.round(item.lastMs - offsetMs));
        if (arrival === undefined) unmatched++;
        else lagsMs.push(item.listedAtMs - arrival);
      }
      return {
        kind: summary.kind,
        blocking: summary.blocking,
        lagsMs,
        listed: measured.length + errors.length,
        untimed: measured.filter((m) => m.listedAtMs === undefined).length,
        unmatched,
        offsetMs,
        errors: errors.slice(0, 5),
      };
    },
  };
}
