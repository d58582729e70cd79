import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@onair/testing';
import { onCleanup } from '../ll-hls/cleanup.mjs';
import { describeMachine } from '../ll-hls/machine.mjs';
import { readFlvFile, TAG_TYPE } from './flv-file.mjs';
import { encodeInputFile, INPUT } from './input-file.mjs';
import { startLoad } from './load.mjs';
import { measureWindow } from './measure.mjs';
import { startNginxRtmp } from './nginx-rtmp.mjs';
import { startOnairStack } from './onair-stack.mjs';
import { advancing, ingestSourceFps, nginxStreamBytes, playlistPositions } from './progress.mjs';
import { renderResults } from './report.mjs';

/** The server under test runs alone on CPU 0; the publishers, nats-server and the relay on CPU 1. */
const SERVER_CPU = 0;
const LOAD_CPU = 1;
/** The streams' starts are spread over one GOP, so that their keyframes do not all come at once, ms. */
const SPREAD_MS = (1000 * INPUT.gopFrames) / INPUT.fps;
/** The ladder of the transcode part: the source and one 480p rendition, below the 720p input. */
const TRANSCODE_LADDER = 'source,480p=854x480@1200k';
/** Length of the window measured before the publishers, s: the server's CPU and RSS at rest. */
const IDLE_SECONDS = 10;

const ROOT = new URL('../../', import.meta.url).pathname;
/** Where the code measured comes from: a change there that is not committed makes the commit say less. */
const MEASURED_CODE = ['services', 'libs', 'proto'];
const log = (msg) => console.error(`[ingest-cost] ${msg}`);

/** Waits up to 30 s for every playlist to answer; those that never do are reported as not advancing. */
async function playlistsListed(urls) {
  const all = async () => [...(await playlistPositions(urls)).values()].every(Boolean);
  await waitFor(all, { timeoutMs: 30_000, what: 'every playlist at the relay' }).catch(() => undefined);
}

/**
 * @typedef {object} Row one measured window of one server.
 * @property {string} name
 * @property {number} streams publishes opened.
 * @property {number} open publishes still open at the window's end.
 * @property {import('./measure.mjs').Window} idle the server before the publishers.
 * @property {import('./measure.mjs').Window} window the server under load.
 * @property {{ n: number, how: string }} advancing streams seen advancing over the window, and how it was seen.
 * @property {number} sentBytes RTMP bytes the publishers wrote over the window.
 * @property {number} maxQueuedBytes the most bytes one publisher connection had waiting to be written.
 */

/**
 * @typedef {object} Progress how a window checks that the streams advance.
 * @property {() => Promise<unknown>} start read before the window.
 * @property {(start: unknown) => Promise<{ n: number, how: string }>} end read after it: streams that advanced.
 */

/** A {@link Progress} from positions read before and after the window (see progress.mjs). */
function positionsProgress(names, read, how) {
  return { start: read, end: async (before) => ({ n: advancing(names, before, await read()).length, how }) };
}

/** Measures `pid` under `load` for `seconds`, with `progress` checked around the window, into a {@link Row}. */
async function measureRow({ name, pid, load, idle, seconds, progress }) {
  log(`${name}: measuring for ${seconds} s`);
  const start = await progress.start();
  const sentBefore = (await load.status()).sentBytes;
  const window = await measureWindow({ pid, loadPid: load.pid, seconds });
  const status = await load.status();
  return {
    name,
    streams: load.publishing,
    open: status.open,
    idle,
    window,
    advancing: await progress.end(start),
    sentBytes: status.sentBytes - sentBefore,
    maxQueuedBytes: status.maxQueuedBytes,
  };
}

/**
 * Onair passthrough (`INGEST_LADDER=source`): `publishers` rooms, one publish each. First a window with no
 * subscriber (ingest's own cost; every room's source fps read from its Telemetry after it), then an origin relay
 * follows every room and a second window checks every room's playlist at the relay advancing.
 */
async function onairPassthrough({ file, publishers, seconds, warmUpS }) {
  const stack = await startOnairStack({ ladder: 'source', rooms: publishers, cpu: SERVER_CPU, sideCpu: LOAD_CPU });
  let load;
  try {
    log(`Onair: ingest at rest for ${IDLE_SECONDS} s`);
    const idle = await measureWindow({ pid: stack.ingestPid, seconds: IDLE_SECONDS });
    const streamKeys = stack.rooms.map((r) => r.streamKey);
    log(`Onair: opening ${publishers} publishes`);
    load = await startLoad({ port: stack.rtmpPort, app: 'live', file, streamKeys, spreadMs: SPREAD_MS, cpu: LOAD_CPU });
    await sleep(warmUpS * 1000);
    const telemetry = {
      start: async () => undefined,
      end: async () => {
        const fps = await ingestSourceFps(stack.grpcAddress);
        const rates = stack.rooms.map(({ room }) => fps.get(room) ?? 0);
        const how = `source fps > 0 in ingest's Telemetry (min ${Math.min(...rates).toFixed(1)})`;
        return { n: rates.filter((r) => r > 0).length, how };
      },
    };
    const common = { pid: stack.ingestPid, load, idle, seconds };
    const bare = await measureRow({ ...common, name: 'Onair ingest, no subscriber', progress: telemetry });

    log('Onair: starting an origin relay following every room');
    const relay = await stack.startRelay();
    const urls = new Map(stack.rooms.map(({ room }) => [room, relay.playlistUrl(room, 'source')]));
    await playlistsListed(urls);
    await sleep(warmUpS * 1000);
    const playlists = positionsProgress(
      [...urls.keys()],
      () => playlistPositions(urls),
      'source playlist at the relay',
    );
    const followed = await measureRow({
      ...common,
      name: 'Onair ingest, one origin relay following',
      progress: playlists,
    });
    return { rows: [bare, followed], closed: load.closed(), warnings: stack.warnings() };
  } finally {
    await load?.stop();
    await stack.stop();
  }
}

/** nginx-rtmp (`live on` only) on the same publishes; each stream's bytes_in from rtmp_stat. */
async function nginxPassthrough({ file, publishers, seconds, warmUpS }) {
  const nginx = await startNginxRtmp({ cpu: SERVER_CPU, streams: publishers });
  let load;
  try {
    log(`nginx-rtmp: at rest for ${IDLE_SECONDS} s`);
    const idle = await measureWindow({ pid: nginx.workerPid, seconds: IDLE_SECONDS });
    const streamKeys = Array.from({ length: publishers }, (_, i) => `cost-${i}`);
    log(`nginx-rtmp: opening ${publishers} publishes`);
    load = await startLoad({ port: nginx.rtmpPort, app: 'live', file, streamKeys, spreadMs: SPREAD_MS, cpu: LOAD_CPU });
    await sleep(warmUpS * 1000);
    const stat = positionsProgress(streamKeys, () => nginxStreamBytes(nginx.statUrl), "bytes_in in nginx's rtmp_stat");
    const row = await measureRow({
      name: 'nginx-rtmp worker',
      pid: nginx.workerPid,
      load,
      idle,
      seconds,
      progress: stat,
    });
    return { rows: [row], closed: load.closed() };
  } finally {
    await load?.stop();
    await nginx.stop();
  }
}

/**
 * One publish with a transcoded 480p rendition (`INGEST_LADDER=source,480p=854x480@1200k`), an origin relay
 * following it: ingest's CPU and RSS and its ffmpeg child's, and both playlists advancing.
 */
async function onairTranscode({ file, seconds, warmUpS }) {
  const stack = await startOnairStack({ ladder: TRANSCODE_LADDER, rooms: 1, cpu: SERVER_CPU, sideCpu: LOAD_CPU });
  let load;
  try {
    const relay = await stack.startRelay();
    log(`Onair transcode: ingest at rest for ${IDLE_SECONDS} s`);
    const idle = await measureWindow({ pid: stack.ingestPid, seconds: IDLE_SECONDS });
    const [{ room, streamKey }] = stack.rooms;
    log('Onair transcode: opening one publish');
    load = await startLoad({
      port: stack.rtmpPort,
      app: 'live',
      file,
      streamKeys: [streamKey],
      spreadMs: 0,
      cpu: LOAD_CPU,
    });
    const urls = new Map(['source', '480p'].map((rendition) => [rendition, relay.playlistUrl(room, rendition)]));
    await playlistsListed(urls);
    await sleep(warmUpS * 1000);
    log(`Onair transcode: measuring for ${seconds} s`);
    const before = await playlistPositions(urls);
    const window = await measureWindow({ pid: stack.ingestPid, loadPid: load.pid, seconds });
    const after = await playlistPositions(urls);
    return {
      idle,
      window,
      advancing: advancing([...urls.keys()], before, after),
      closed: load.closed(),
      warnings: stack.warnings(),
    };
  } finally {
    await load?.stop();
    await stack.stop();
  }
}

/** Mean bit rate of the file's video and audio tags over one loop, kbit/s. */
function inputKbps(file) {
  const flv = readFlvFile(file);
  const kbps = (type) =>
    (8 * flv.media.filter((t) => t.type === type).reduce((sum, t) => sum + t.payload.length, 0)) / flv.loopMs;
  return { video: kbps(TAG_TYPE.VIDEO), audio: kbps(TAG_TYPE.AUDIO) };
}

/**
 * Runs the three parts in turn, Onair passthrough, nginx-rtmp, Onair transcode, and renders the results.
 * @param {{ publishers: number, seconds: number, warmUpS: number }} options publishers: concurrent passthrough
 *   publishes; seconds: length of each measured window, s; warmUpS: wait after the publishes open, s.
 * @returns {Promise<string>} the results as a Markdown section.
 */
export async function runBench({ publishers, seconds, warmUpS }) {
  const machine = {
    ...describeMachine(),
    natsServer: execFileSync('nats-server', ['--version'], { encoding: 'utf8' }).trim().replace('nats-server: ', ''),
    loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    changedFiles: execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--', ...MEASURED_CODE], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean).length,
  };
  const dir = mkdtempSync(join(tmpdir(), 'onair-bench-ingest-cost-'));
  const removeDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    log('encoding the input file');
    const file = await encodeInputFile(dir);
    const options = { file, publishers, seconds, warmUpS };
    const onair = await onairPassthrough(options);
    const nginx = await nginxPassthrough(options);
    const transcode = await onairTranscode(options);
    return renderResults({
      machine,
      run: { publishers, seconds, warmUpS, inputKbps: inputKbps(file) },
      onair,
      nginx,
      transcode,
    });
  } finally {
    await removeDir();
  }
}
