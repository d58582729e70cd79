/**
 * The soak of the scaled-out suite (deploy/compose/cluster.yml): publishers, LL-HLS viewers and danmaku/chat sockets
 * at a steady rate for an hour, every service's memory sampled each minute. See README.md.
 *
 *   node bench/soak/run.mjs [--minutes 60] [--publishers 20] [--viewers 1000] [--sockets 1000] [--posts-per-sec 20]
 *     [--via published|container]
 *
 * Prints the results as Markdown on stdout, progress on stderr.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startLoad } from '../ingest-cost/load.mjs';
import { encodeInputFile } from '../ingest-cost/input-file.mjs';
import { benchMain, onCleanup } from '../ll-hls/cleanup.mjs';
import { describeMachine } from '../realtime/machine.mjs';
import { clusterDown, clusterUp, containerStats, createRoom, haproxyAddress, issueToken } from './cluster.mjs';
import { memoryGrowth } from './memory.mjs';
import { renderResults } from './report.mjs';

/** What each publisher sends: a small rendition, so that 1,000 viewers' parts fit through one machine. */
const INPUT = { size: '640x360', fps: 30, videoKbps: 400, audioKbps: 64, gopFrames: 60, seconds: 30 };
const SAMPLE_EVERY_S = 60;
/** Memory before this is warm-up, s; the baseline and the final window are each this long, s. */
const WARM_UP_S = 600;
const SPAN_S = 300;
/** Warm-up and window lengths for a run of `minutes`: as above for an hour, a sixth of the run each when shorter. */
const windowsOf = (minutes) => ({ warmUpS: Math.min(WARM_UP_S, minutes * 10), spanS: Math.min(SPAN_S, minutes * 10) });
const log = (msg) => console.error(`[soak] ${new Date().toISOString().slice(11, 19)} ${msg}`);

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    publishers: { type: 'string', default: '20' },
    viewers: { type: 'string', default: '1000' },
    sockets: { type: 'string', default: '1000' },
    'posts-per-sec': { type: 'string', default: '20' },
    via: { type: 'string', default: 'published' },
  },
});
const options = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, k === 'via' ? v : Number(v)]));

/** Forks a load process and returns a request/answer function over IPC (one answer per request, in order). */
function forkLoad(script) {
  const child = fork(new URL(script, import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiters = [];
  child.on('message', (m) => waiters.shift()?.(m));
  onCleanup(() => child.kill());
  return (msg) =>
    new Promise((resolve) => {
      waiters.push(resolve);
      child.send(msg);
    });
}

async function run() {
  const machine = describeMachine();
  const rooms = Array.from({ length: options.publishers }, (_, i) => `soak-${String(i + 1).padStart(2, '0')}`);
  log('building the images and starting the cluster');
  onCleanup(() => clusterDown());
  await clusterUp();
  const dir = await mkdtemp(join(tmpdir(), 'onair-soak-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const file = await encodeInputFile(dir, INPUT);
  const streamKeys = [];
  for (const room of rooms) streamKeys.push(await createRoom(room));
  const posters = Math.min(2 * rooms.length, options.sockets);
  const tokens = [];
  for (let i = 0; i < posters; i++) tokens.push(await issueToken(`soak-${i}`));
  log(`publishing ${rooms.length} streams through HAProxy :1935`);
  const publishers = await startLoad({ port: 1935, app: 'live', file, streamKeys, spreadMs: 5000, cpu: 1 });

  // Players and sockets reach HAProxy on the published ports, or (`--via container`) at its container's address.
  const host = options.via === 'container' ? await haproxyAddress() : '127.0.0.1';
  log(`players and sockets connect to HAProxy at ${host}`);
  const viewerLoad = forkLoad('viewer-load.mjs');
  const socketLoad = forkLoad('socket-load.mjs');
  const viewers = Array.from({ length: options.viewers }, (_, i) => ({
    room: rooms[i % rooms.length],
    master: `http://${host}:8080/hls/${rooms[i % rooms.length]}/master.m3u8`,
  }));
  await viewerLoad({ op: 'start', viewers });
  const sockets = Array.from({ length: options.sockets }, (_, i) => {
    const service = i % 2 === 0 ? 'danmaku' : 'chat';
    const room = rooms[Math.floor(i / 2) % rooms.length];
    const port = service === 'danmaku' ? 8081 : 8082;
    return {
      service,
      room,
      url: `ws://${host}:${port}/ws?room=${room}`,
      ...(i < posters ? { token: tokens[i] } : {}),
    };
  });
  const opened = await socketLoad({ op: 'open', sockets });
  if (opened.failed > 0) throw new Error(`${opened.failed} sockets had no welcome`);
  await socketLoad({ op: 'pace', perSec: options['posts-per-sec'] });

  log(`load running for ${options.minutes} min`);
  const samples = [];
  const startMs = Date.now();
  for (let atS = 0; atS <= options.minutes * 60; atS += SAMPLE_EVERY_S) {
    await sleep(Math.max(0, startMs + atS * 1000 - Date.now()));
    const [stats, hls, realtime, publish] = await Promise.all([
      containerStats(),
      viewerLoad({ op: 'status' }),
      socketLoad({ op: 'status' }),
      publishers.status(),
    ]);
    samples.push({ atS, stats, hls, realtime, publish });
    const rss = Object.entries(stats).map(([s, v]) => `${s} ${(v.memBytes / 2 ** 20).toFixed(0)}`);
    log(
      `${atS / 60} min: parts ${hls.parts}, stalls ${hls.stalls}, posts ${realtime.posted}, MiB ${rss.join(' ')}` +
        (Object.keys(hls.why).length ? `, failures ${JSON.stringify(hls.why)}` : ''),
    );
  }
  await socketLoad({ op: 'pace', perSec: 0 });
  await sleep(5000);
  const audit = await socketLoad({ op: 'audit' });
  const hls = await viewerLoad({ op: 'stop' });
  const closed = publishers.closed();
  await publishers.stop();
  return renderResults({
    machine,
    options,
    input: INPUT,
    samples,
    growth: memoryGrowth(samples, windowsOf(options.minutes)),
    hls,
    audit,
    publishersClosed: closed,
  });
}

await benchMain({ tag: 'soak', built: ['services/ingest/dist', 'libs/cli/dist'], run });
