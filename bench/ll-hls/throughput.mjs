import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { onCleanup } from './cleanup.mjs';
import { httpGet } from './http-get.mjs';
import { startNginx } from './nginx.mjs';
import { parseMediaPlaylist } from './playlist.mjs';
import { cpuSeconds } from './proc.mjs';

/** Rounds per resource; each runs wrk on Onair and on nginx, in turn, the first of them alternating. */
export const ROUNDS = 5;
/** wrk: one thread, 64 keep-alive connections, 4 s. */
export const WRK_SECONDS = 4;
const WRK = ['-t1', '-c64', `-d${WRK_SECONDS}s`, '--latency'];
/** An unreported run first, so both servers are warm (JIT, page cache). */
const WARM_UP = ['-t1', '-c64', '-d2s'];

/**
 * @typedef {object} WrkRun
 * @property {number} requestsPerS
 * @property {number} bytesPerS response bytes read per second.
 * @property {number} p50Ms p50 latency, ms.
 * @property {number} p99Ms p99 latency, ms.
 * @property {number} errors non-2xx/3xx responses plus socket errors.
 * @property {number} wrkCpuS wrk's user + system CPU over the run, s (bash `times`).
 * @property {number} serverCpuS the server process's CPU over the run, s (/proc/<pid>/stat).
 */

const UNITS = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** A latency as wrk prints it ("850.00us", "1.20ms", "1.02s"), in ms; NaN when absent. */
function latencyMs(match) {
  return match ? Number(match[1]) * { us: 0.001, ms: 1, s: 1000 }[match[2]] : NaN;
}

function parseWrk(out) {
  const number = (re) => Number(re.exec(out)?.[1] ?? 0);
  const transfer = /Transfer\/sec:\s+([\d.]+)([KMG]?B)/.exec(out);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const times = out.trim().split('\n').at(-1).split(/\s+/);
  const seconds = (t) => Number(/(\d+)m/.exec(t)[1]) * 60 + Number(/([\d.]+)s/.exec(t)[1]);
  return {
    requestsPerS: number(/Requests\/sec:\s+([\d.]+)/),
    bytesPerS: transfer ? Number(transfer[1]) * UNITS[transfer[2]] : 0,
    p50Ms: latencyMs(/50%\s+([\d.]+)(us|ms|s)/.exec(out)),
    p99Ms: latencyMs(/99%\s+([\d.]+)(us|ms|s)/.exec(out)),
    errors:
      number(/Non-2xx or 3xx responses: (\d+)/) + (socketErrors?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0),
    wrkCpuS: seconds(times[0]) + seconds(times[1]),
  };
}

/**
 * Runs wrk on CPU 1 (`taskset -c 1`) under bash, whose `times` then prints wrk's user and system CPU. Both run in
 * a process group of their own, which the cleanup kills.
 * @param {string} url
 * @param {string[]} options wrk options.
 * @returns {Promise<string>} wrk's output followed by the `times` lines.
 * @throws Error with the output when wrk fails.
 */
async function runWrk(url, options) {
  const script = 'taskset -c 1 wrk "$@"; rc=$?; times; exit $rc';
  const child = spawn('bash', ['-c', script, 'bash', ...options, url], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const [code] = await once(child, 'exit');
  await kill();
  if (code !== 0) throw new Error(`wrk ${options.join(' ')} ${url} failed:\n${out}`);
  return out;
}

/**
 * Measures one URL: `wrk -t1 -c64 -d4s` with the CPU the server process used meanwhile.
 * @param {string} url
 * @param {number} serverPid
 * @returns {Promise<WrkRun>}
 */
async function measure(url, serverPid) {
  const before = cpuSeconds(serverPid);
  const out = await runWrk(url, WRK);
  return { ...parseWrk(out), serverCpuS: cpuSeconds(serverPid) - before };
}

/**
 * @typedef {object} Rounds
 * @property {number} bytes the resource's size (in the last round).
 * @property {Array<{ onair: WrkRun, nginx: WrkRun }>} rounds
 */

/**
 * Both servers on the same resource: a warm-up of each, then {@link ROUNDS} rounds of one run on each, interleaved
 * (Onair first in odd rounds, nginx in even ones), so that a shared machine's drift hits both alike.
 * @param {() => Promise<{ bytes: number, onair: string, nginx: string }>} prepare called before the warm-up and
 *   before each round: the URLs to measure, with the bytes the nginx copy holds.
 * @param {{ onair: number, nginx: number }} pids the server processes whose CPU is measured.
 * @returns {Promise<Rounds>}
 */
async function compare(prepare, pids) {
  let urls = await prepare();
  await runWrk(urls.onair, WARM_UP);
  await runWrk(urls.nginx, WARM_UP);
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i > 0) urls = await prepare();
    const order = i % 2 === 0 ? ['onair', 'nginx'] : ['nginx', 'onair'];
    const round = {};
    for (const name of order) round[name] = await measure(urls[name], pids[name]);
    rounds.push(round);
  }
  return { bytes: urls.bytes, rounds };
}

async function get(url) {
  const res = await httpGet(url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return res.body;
}

/**
 * @typedef {object} ThroughputResult
 * @property {Rounds} playlist
 * @property {Rounds} segment
 */

/**
 * HTTP throughput of the relay against nginx serving the same bytes as static files: GETs/s of the relay's live
 * media playlist (no query) and of its newest complete segment, then of copies of those bytes in the html root of
 * an nginx (one worker, sendfile, tcp_nopush, open_file_cache) pinned to CPU 0 like the relay. wrk runs on CPU 1.
 * The segment is picked (and copied) before each round, so it stays in the relay's window meanwhile.
 * @param {{ playlistUrl: string, relayPid: number }} options the relay must already be pinned to CPU 0.
 * @returns {Promise<ThroughputResult>}
 */
export async function measureThroughput({ playlistUrl, relayPid }) {
  const nginx = await startNginx({ rtmp: false, cpu: 0 });
  try {
    const pids = { onair: relayPid, nginx: nginx.workerPid() };
    const playlist = await get(playlistUrl);
    nginx.writeFile('static/index.m3u8', playlist);
    const playlistRuns = await compare(
      async () => ({ bytes: playlist.length, onair: playlistUrl, nginx: nginx.url('/static/index.m3u8') }),
      pids,
    );
    // A segment stays served for about 13 segment durations (window plus retired ones): each round picks the newest.
    const newestSegment = async (round) => {
      const newest = parseMediaPlaylist((await get(playlistUrl)).toString('utf8')).segments.at(-1);
      if (!newest) throw new Error('the relay lists no complete segment');
      const onair = new URL(newest.uri, playlistUrl).href;
      const segment = await get(onair);
      nginx.writeFile(`static/segment-${round}.m4s`, segment);
      return { bytes: segment.length, onair, nginx: nginx.url(`/static/segment-${round}.m4s`) };
    };
    let round = 0;
    const segmentRuns = await compare(() => newestSegment(round++), pids);
    return { playlist: playlistRuns, segment: segmentRuns };
  } finally {
    await nginx.stop();
  }
}
