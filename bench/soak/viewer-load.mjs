/**
 * The LL-HLS viewers of the soak: one Node process (forked by run.mjs) in which every viewer follows its room's
 * media playlist as an LL-HLS player does (blocking reloads for the next part, draft-pantos-hls-rfc8216bis §6.2.5.2)
 * and downloads every part it lists. Commands arrive as IPC messages:
 * - `{"op":"start","viewers":[{"room","master"}…]}`: resolves each master playlist to its first media playlist and
 *   starts following it; answers `{"event":"started"}`.
 * - `{"op":"status"}`: answers `{"event":"status",…}` (see {@link status}).
 * - `{"op":"stop"}`: stops every viewer and answers the last status.
 *
 * Viewers join over {@link JOIN_SPREAD_MS}; a failed playlist request is made again after a delay that doubles
 * with each failure in a row, up to {@link MAX_RETRY_MS}, as players do.
 * A viewer stalls when no new part is listed for longer than {@link STALL_MS} (a player's buffer of about three
 * parts is gone by then), or when a part it listed cannot be downloaded.
 */
import { Agent, get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { nextReload, parseMediaPlaylist } from '../ll-hls/playlist.mjs';

/** Longest wait for a new part before the viewer counts a stall, ms. */
const STALL_MS = 4000;
/** A blocking reload is held at most about three target durations by the server; past this the request fails, ms. */
const REQUEST_TIMEOUT_MS = 20_000;

/** Longest wait before a failed playlist request is made again, ms. */
const MAX_RETRY_MS = 8000;
/** Viewers join over this long, as an audience does, not all in one instant, ms. */
const JOIN_SPREAD_MS = 30_000;

/** One connection per viewer, kept alive, as a player's own. */
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const controller = new AbortController();
const totals = { parts: 0, bytes: 0, partFailures: 0, playlistFailures: 0, stalls: 0, maxGapMs: 0 };
const viewers = [];
/** Why requests failed: `status 404`, `ECONNRESET`…, with how often. */
const failures = new Map();
const failed = (why) => failures.set(why, (failures.get(why) ?? 0) + 1);

/** GETs `url`; resolves `{status, body}`; rejects on a connection error or after REQUEST_TIMEOUT_MS. */
function fetchBody(url) {
  return new Promise((resolve, reject) => {
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
    const req = get(url, { agent, signal }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** The first media playlist a master playlist lists, as an absolute URL. */
async function mediaPlaylistOf(master) {
  for (;;) {
    const res = await fetchBody(master).catch(() => undefined);
    const uri =
      res?.status === 200
        ? res.body
            .toString('utf8')
            .split('\n')
            .find((l) => l && !l.startsWith('#'))
        : '';
    if (uri) return new URL(uri.trim(), master).href;
    await sleep(1000);
  }
}

/** Follows one viewer's playlist until the run stops, downloading each new part. */
async function follow(viewer) {
  const url = await mediaPlaylistOf(viewer.master);
  const seen = new Set();
  let query = '';
  while (!controller.signal.aborted) {
    const res = await fetchBody(query ? `${url}?${query}` : url).catch((err) => {
      failed(err.code ?? err.name);
    });
    if (controller.signal.aborted) return;
    if (res?.status !== 200) {
      if (res) failed(`playlist status ${res.status}`);
      totals.playlistFailures++;
      query = '';
      // As players do (hls.js' retry delays grow the same way): each failure in a row waits longer.
      viewer.retryMs = Math.min(2 * (viewer.retryMs ?? 250), MAX_RETRY_MS);
      await sleep(viewer.retryMs);
      continue;
    }
    viewer.retryMs = undefined;
    const playlist = parseMediaPlaylist(res.body.toString('utf8'));
    for (const part of playlist.parts) {
      if (seen.has(part.uri)) continue;
      seen.add(part.uri);
      const now = Date.now();
      if (viewer.lastNewMs !== undefined) {
        const gap = now - viewer.lastNewMs;
        if (gap > STALL_MS) totals.stalls++;
        totals.maxGapMs = Math.max(totals.maxGapMs, gap);
      }
      viewer.lastNewMs = now;
      fetchBody(new URL(part.uri, url))
        .then((p) => {
          if (p.status !== 200) throw Object.assign(new Error(), { code: `part status ${p.status}` });
          totals.parts++;
          totals.bytes += p.body.length;
        })
        .catch((err) => {
          if (controller.signal.aborted) return;
          totals.partFailures++;
          failed(err.code ?? err.name);
        });
    }
    if (seen.size > 1000) for (const uri of [...seen].slice(0, 500)) seen.delete(uri);
    query = playlist.canBlockReload ? nextReload(playlist).query : '';
    if (!playlist.canBlockReload) await sleep(1000);
  }
}

/** The counts so far, with this process's own CPU seconds (user + system) to show a client-bound run. */
function status() {
  const cpu = process.cpuUsage();
  const now = Date.now();
  const waiting = viewers.filter((v) => v.lastNewMs !== undefined && now - v.lastNewMs > STALL_MS).length;
  const why = Object.fromEntries([...failures].sort((a, b) => b[1] - a[1]).slice(0, 5));
  return {
    event: 'status',
    viewers: viewers.length,
    ...totals,
    why,
    waitingNow: waiting,
    cpuS: (cpu.user + cpu.system) / 1e6,
  };
}

process.on('message', (msg) => {
  if (msg.op === 'start') {
    for (const [i, v] of msg.viewers.entries()) {
      const viewer = { ...v, lastNewMs: undefined, retryMs: undefined };
      viewers.push(viewer);
      sleep((i * JOIN_SPREAD_MS) / msg.viewers.length)
        .then(() => follow(viewer))
        .catch((err) => console.error(`viewer of ${v.room}: ${String(err)}`));
    }
    process.send({ event: 'started' });
  } else if (msg.op === 'status') process.send(status());
  else if (msg.op === 'stop') {
    process.send(status());
    controller.abort();
    setTimeout(() => process.exit(0), 100);
  }
});
process.on('disconnect', () => process.exit(0));
