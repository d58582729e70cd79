import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@onair/testing';
import { fmp4VideoTimes, readVideoTrack } from '../ll-hls/fmp4.mjs';
import { followPlaylist } from '../ll-hls/hls-follower.mjs';
import { httpGet } from '../ll-hls/http-get.mjs';
import { startOnairStack } from '../ll-hls/onair-stack.mjs';
import { nowMs } from '../ll-hls/proc.mjs';
import { startRtmpProxy } from '../ll-hls/proxy.mjs';
import { publishTee } from '../ll-hls/publisher.mjs';
import { followMedia } from './media-follow.mjs';

/** The room onair-stack.mjs publishes to, and the rendition followed (ingest's repackaged source). */
const ROOM = 'bench';
const RENDITION = 'source';
/** Frame interval of the test picture (30 fps), ms. */
const FRAME_MS = 1000 / 30;
/** Seconds of publishing before parts count: every follower is following live by then. */
const SETTLE_SECONDS = 5;

/**
 * The points of the media path at which a part becomes available, in path order. `grpc` points are a subscriber
 * of that service's MediaService.Subscribe on loopback (what the next relay sees); `playlist` points a player's
 * blocking playlist reload (`_HLS_msn`/`_HLS_part`); `player` the part's bytes downloaded from the edge.
 */
export const POINTS = [
  { key: 'nextFrame', what: "the publisher's frame after the part's last arrived (ingest cuts the part then)" },
  { key: 'ingest', what: "ingest's MediaService delivers it" },
  { key: 'originGrpc', what: "the origin relay's MediaService delivers it" },
  { key: 'originPlaylist', what: "the origin's LL-HLS playlist lists it" },
  { key: 'edgeGrpc', what: "the edge relay's MediaService delivers it" },
  { key: 'edgePlaylist', what: "the edge's LL-HLS playlist lists it" },
  { key: 'player', what: 'a player has its bytes from the edge' },
];

/**
 * @typedef {object} PartTimes when one part (by part sequence) was available where, ms since the epoch.
 * @property {number | undefined} published arrival at the RTMP proxy of the publisher's frame that is the part's
 *   last video sample.
 * @property {number} bytes its size.
 * (and one property per POINTS key)
 *
 * @typedef {object} MediaPathResult
 * @property {PartTimes[]} parts the parts first made after the settling time, in order.
 * @property {number | undefined} offsetMs media time − RTMP timestamp (calibrated on the first part).
 * @property {Record<string, number>} subscriptions MediaService calls per follower (1 each when nothing broke).
 * @property {string[]} warnings the services' warnings.
 * @property {string[]} errors failed downloads or parses (the first 5).
 */

const partSequenceOf = (url) => Number(/part-(\d+)\.m4s$/.exec(url.pathname)?.[1]);

/**
 * Publisher → ingest → origin relay → edge relay → player, as real processes on loopback (bench/ll-hls's stack:
 * nats-server, ingest with INGEST_LADDER=source, an origin relay following all rooms, an edge relay following the
 * origin on demand), published by ffmpeg (`-re`, testsrc2 640x360 at 30 fps, x264 zerolatency) through a proxy
 * that notes when each RTMP video frame arrives. For every part of the source rendition it notes when each point of
 * {@link POINTS} first had it.
 * @param {{ seconds: number, log: (msg: string) => void }} options
 * @returns {Promise<MediaPathResult>}
 */
export async function measureMediaPath({ seconds, log }) {
  const stack = await startOnairStack({ ladder: RENDITION, edge: true });
  const proxy = await startRtmpProxy(stack.rtmpPort);
  const parts = new Map();
  const partOf = (sequence) => parts.get(sequence) ?? parts.set(sequence, { sequence }).get(sequence);
  let track;
  let first;
  const errors = [];
  const fail = (err) => errors.push(String(err));
  const followers = {};
  const follow = (key, port) =>
    (followers[key] = followMedia(port, {
      room: ROOM,
      onInit: (data) => (track ??= readVideoTrack(data)),
      onPart(part, atMs) {
        if (part.rendition !== RENDITION) return;
        const times = partOf(part.partSequence);
        times[key] = atMs;
        if (key !== 'ingest') return;
        times.bytes = part.data.length;
        try {
          Object.assign(times, fmp4VideoTimes(part.data, track));
          first ??= times;
        } catch (err) {
          fail(err);
        }
      },
    }));
  const controller = new AbortController();
  const playlist = (key, url, onListed) =>
    followPlaylist(url, { signal: controller.signal, pollMs: 5, onListed }).catch(fail);
  let publisher;
  try {
    follow('ingest', stack.grpcPorts.ingest);
    follow('originGrpc', stack.grpcPorts.origin);
    follow('edgeGrpc', stack.grpcPorts.edge);
    const playlists = [
      playlist('originPlaylist', `${stack.originHls}${RENDITION}/index.m3u8`, (item) => {
        if (item.listedAtMs !== undefined) partOf(partSequenceOf(item.url)).originPlaylist = item.listedAtMs;
      }),
      playlist('edgePlaylist', `${stack.edgeHls}${RENDITION}/index.m3u8`, (item) => {
        if (item.listedAtMs === undefined) return;
        const times = partOf(partSequenceOf(item.url));
        times.edgePlaylist = item.listedAtMs;
        httpGet(item.url).then(
          (res) => (res.status === 200 ? (times.player = nowMs()) : fail(`GET ${item.url.pathname}: ${res.status}`)),
          fail,
        );
      }),
    ];
    const url = `rtmp://127.0.0.1:${proxy.port}/live/${stack.streamKey}`;
    publisher = publishTee({ urls: [url], size: '640x360', seconds: SETTLE_SECONDS + seconds + 30 });
    await waitFor(() => first !== undefined && [...parts.values()].some((p) => p.edgePlaylist !== undefined), {
      timeoutMs: 30_000,
      what: 'parts at ingest and at the edge',
    }).catch((err) => {
      throw new Error(`${String(err)}\n${publisher.output()}`);
    });
    await sleep(SETTLE_SECONDS * 1000);
    const from = nowMs();
    log(`media path: measuring for ${seconds} s`);
    await sleep(seconds * 1000);
    const until = nowMs();
    await sleep(2000);
    controller.abort();
    await Promise.all(playlists);
    const calibration = proxy.frames.timestampOf(first.samples - 1);
    const offsetMs = calibration === undefined ? undefined : first.lastMs - calibration;
    const measured = [...parts.values()]
      .filter((p) => p.ingest !== undefined && p.ingest >= from && p.ingest < until)
      .sort((a, b) => a.sequence - b.sequence);
    for (const p of measured) {
      if (offsetMs !== undefined && p.lastMs !== undefined) {
        p.published = proxy.frames.arrivalMs(Math.round(p.lastMs - offsetMs));
        p.nextFrame = proxy.frames.arrivalMs(Math.round(p.lastMs - offsetMs + FRAME_MS));
      }
    }
    const parseError = proxy.frames.parseError();
    if (parseError) fail(`proxy could not read RTMP: ${parseError}`);
    const subscriptions = Object.fromEntries(Object.entries(followers).map(([k, f]) => [k, f.subscriptions()]));
    return { parts: measured, offsetMs, subscriptions, warnings: stack.warnings(), errors: errors.slice(0, 5) };
  } finally {
    controller.abort();
    await Promise.all(Object.values(followers).map((f) => f.stop()));
    await publisher?.stop();
    await proxy.stop();
    await stack.stop();
  }
}
