import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from './cleanup.mjs';
import { httpGet } from './http-get.mjs';
import { nextReload, parseMediaPlaylist } from './playlist.mjs';
import { hardFileLimit, rssBytes } from './proc.mjs';
import { summarize } from './stats.mjs';

const CLIENT = new URL('./held-client.mjs', import.meta.url).pathname;
const FLOOR_SERVER = new URL('./floor-server.mjs', import.meta.url).pathname;
/** Batches run against the floor server. */
const FLOOR_BATCHES = 5;
/** RSS sampling interval while a batch is held, ms. */
const RSS_SAMPLE_MS = 20;
/** Bound of one batch, ms: a blocking reload is held at most 3 target durations (RFC 8216bis §6.2.5.2). */
const BATCH_TIMEOUT_MS = 15_000;

/**
 * Starts held-client.mjs on CPU 1 with its open-files limit raised to the hard limit, as `ulimit -n` would:
 * `prlimit --nofile=<hard>: taskset -c 1 node held-client.mjs 127.0.0.1 <port>`.
 */
function startClient(port) {
  const args = [`--nofile=${hardFileLimit()}:`, 'taskset', '-c', '1', process.execPath, CLIENT, '127.0.0.1', port];
  const child = spawn('prlimit', args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const stop = onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin.end(`${JSON.stringify({ op: 'close' })}\n`);
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await once(child, 'exit');
    clearTimeout(killer);
  });
  return {
    async call(command) {
      child.stdin.write(`${JSON.stringify(command)}\n`);
      const { value, done } = await lines.next();
      if (done) throw new Error('the held-requests client exited');
      return JSON.parse(value);
    },
    stop,
  };
}

async function getPlaylist(url) {
  const res = await httpGet(url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return parseMediaPlaylist(res.body.toString('utf8'));
}

/** Escapes a string for a RegExp. */
const literal = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What to ask for next: the blocking reload of the part after the last one listed (or the next segment when the
 * playlist has no parts), and a pattern that an answer listing it matches (its EXT-X-PART line, named by the
 * preload hint, else by the relay's numbering `part-<n + 1>.m4s`; or its segment URI `seg-<msn>.m4s`).
 */
function nextTarget(playlist) {
  const next = nextReload(playlist);
  if (next.part === undefined) return { ...next, label: `seg ${next.msn}`, expect: `^seg-${next.msn}\\.m4s$` };
  const last = /^part-(\d+)\.m4s$/.exec(playlist.parts.at(-1)?.uri ?? '');
  const uri = playlist.preloadHintUri ?? (last ? `part-${Number(last[1]) + 1}.m4s` : '');
  return { ...next, label: `${next.msn}.${next.part}`, expect: `^#EXT-X-PART:.*URI="${literal(uri)}"` };
}

/**
 * Waits until the playlist lists a new item, so a batch starts right after one arrived: one blocking reload when
 * the playlist allows it, else polls every 5 ms (at most 10 s).
 */
async function afterNextItem(url) {
  const playlist = await getPlaylist(url);
  if (playlist.canBlockReload) return getPlaylist(`${url}?${nextReload(playlist).query}`);
  const last = (p) => (p.parts.at(-1) ?? p.segments.at(-1))?.uri;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(5)) {
    const now = await getPlaylist(url);
    if (last(now) !== last(playlist)) return now;
  }
  throw new Error(`${url} listed nothing new for 10 s`);
}

/**
 * @typedef {object} HeldBatch
 * @property {string} target "<msn>.<part>" (or "seg <msn>").
 * @property {number} answered
 * @property {number} expected answers that list the target.
 * @property {number} failed connections that closed or failed.
 * @property {Record<string, number>} statuses answers by HTTP status.
 * @property {number} holdMs from writing the batch to the first answer, ms.
 * @property {{ n: number, median?: number, p95?: number, max?: number }} spreadMs each answer's arrival minus the
 *   first answer's, ms.
 * @property {{ before: number, peak: number, after: number }} rssBytes relay RSS before the batch, highest while
 *   it was held (sampled every 20 ms), after.
 * @property {number} clientCpuMs the client's CPU over the batch, ms.
 */

/**
 * @typedef {object} HeldResult
 * @property {{ opened: number, failed: number }} connections
 * @property {HeldBatch[]} batches
 * @property {{ connections: { opened: number, failed: number }, spreadsMs: Array<{ median?: number, p95?: number,
 *   max?: number }> }} floor the same client against floor-server.mjs writing the relay's answer to every
 *   connection at once.
 * @property {{ start: number, open: number, end: number }} rssBytes relay RSS before the connections were opened,
 *   once they were open and idle, and 1 s after they were closed.
 */

/**
 * Holds `connections` blocking playlist requests at once on the relay, `batches` times for consecutive parts
 * (RFC 8216bis §6.2.5.2): a client process on CPU 1 opens the connections, then for each batch writes on every
 * one a GET of the media playlist with `_HLS_msn`/`_HLS_part` of the part after the last one listed, and notes
 * when each complete answer arrived. The relay (pinned to CPU 0 by the caller, its open-files limit raised) should
 * hold them all until that part arrives and answer every one within 50 ms of the first.
 * @param {{ playlistUrl: string, relayPid: number, connections: number, batches: number }} options
 * @returns {Promise<HeldResult>}
 */
export async function measureHeldRequests({ playlistUrl, relayPid, connections, batches }) {
  const { port, pathname } = new URL(playlistUrl);
  const client = startClient(port);
  try {
    const rss = { start: rssBytes(relayPid), open: 0, end: 0 };
    const opened = await client.call({ op: 'open', count: connections });
    rss.open = rssBytes(relayPid);
    let playlist = await afterNextItem(playlistUrl);
    const results = [];
    for (let i = 0; i < batches; i++) {
      const target = nextTarget(playlist);
      const before = rssBytes(relayPid);
      let peak = before;
      const sampler = setInterval(() => {
        try {
          peak = Math.max(peak, rssBytes(relayPid));
        } catch {
          clearInterval(sampler); // the relay is gone: the batch fails by itself
        }
      }, RSS_SAMPLE_MS);
      const path = `${pathname}?${target.query}`;
      const answer = await client.call({ op: 'batch', path, expect: target.expect, timeoutMs: BATCH_TIMEOUT_MS });
      clearInterval(sampler);
      const first = answer.answersAtMs.reduce((a, b) => Math.min(a, b), Infinity);
      results.push({
        target: target.label,
        answered: answer.answersAtMs.length,
        expected: answer.expected,
        failed: answer.failed,
        statuses: answer.statuses,
        holdMs: first - answer.writtenAtMs,
        spreadMs: summarize(answer.answersAtMs.map((t) => t - first)),
        rssBytes: { before, peak, after: rssBytes(relayPid) },
        clientCpuMs: answer.cpuMs,
      });
      playlist = await afterNextItem(playlistUrl);
    }
    const answerBody = (await httpGet(`${playlistUrl}?${nextTarget(playlist).query}`)).body;
    await client.stop();
    await sleep(1000);
    rss.end = rssBytes(relayPid);
    const floor = await measureFloor(connections, answerBody);
    return { connections: opened, batches: results, rssBytes: rss, floor };
  } finally {
    await client.stop();
  }
}

/**
 * The floor: floor-server.mjs on CPU 0 (open-files limit raised) answers `connections` requests at once with
 * `body` as a playlist answer, {@link FLOOR_BATCHES} times, read by the same client on CPU 1. Its spread is what
 * writing that many answers costs on this machine without the relay.
 * @returns {Promise<HeldResult['floor']>}
 */
async function measureFloor(connections, body) {
  const dir = mkdtempSync(join(tmpdir(), 'onair-floor-'));
  const answer = join(dir, 'answer');
  const head =
    'HTTP/1.1 200 OK\r\ncontent-type: application/vnd.apple.mpegurl\r\ncache-control: public, max-age=12\r\n' +
    `access-control-allow-origin: *\r\ncontent-length: ${body.length}\r\n\r\n`;
  writeFileSync(answer, Buffer.concat([Buffer.from(head, 'latin1'), body]));
  const args = [
    `--nofile=${hardFileLimit()}:`,
    'taskset',
    '-c',
    '0',
    process.execPath,
    FLOOR_SERVER,
    connections,
    answer,
  ];
  const server = spawn('prlimit', args.map(String), { stdio: ['ignore', 'pipe', 'inherit'] });
  const stopServer = onCleanup(async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill('SIGKILL');
    await once(server, 'exit');
  });
  try {
    const [line] = await once(createInterface({ input: server.stdout }), 'line');
    const client = startClient(JSON.parse(line).port);
    try {
      const opened = await client.call({ op: 'open', count: connections });
      const spreadsMs = [];
      for (let i = 0; i < FLOOR_BATCHES; i++) {
        const answer = await client.call({ op: 'batch', path: '/', expect: '^#EXTM3U', timeoutMs: BATCH_TIMEOUT_MS });
        const first = answer.answersAtMs.reduce((a, b) => Math.min(a, b), Infinity);
        spreadsMs.push(summarize(answer.answersAtMs.map((t) => t - first)));
      }
      return { connections: opened, spreadsMs };
    } finally {
      await client.stop();
    }
  } finally {
    await stopServer();
    rmSync(dir, { recursive: true, force: true });
  }
}
