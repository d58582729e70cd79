import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@onair/testing';
import { onCleanup } from './cleanup.mjs';
import { measureHeldRequests } from './held-requests.mjs';
import { httpGet } from './http-get.mjs';
import { startLagMeter } from './lag-meter.mjs';
import { describeMachine } from './machine.mjs';
import { startNginx } from './nginx.mjs';
import { startOnairStack } from './onair-stack.mjs';
import { startPlayer } from './player.mjs';
import { parseMediaPlaylist } from './playlist.mjs';
import { pinToCpu, raiseFileLimit } from './proc.mjs';
import { startRtmpProxy } from './proxy.mjs';
import { encodeInputFile, publishFileLoop, publishTee } from './publisher.mjs';
import { renderHeader, renderHeld, renderLag, renderPlayer, renderThroughput, renderWarnings } from './report.mjs';
import { measureThroughput } from './throughput.mjs';

/** The ladder: the source (repackaged by ingest) and a 240p transcode, below the 360p input so that it is served. */
const LADDER = 'source,240p=426x240@400k';
/** Blocking requests held at once. */
const HELD_CONNECTIONS = 5000;

const log = (msg) => console.error(`[ll-hls] ${msg}`);

/** Rejects with `what` and the publisher's output after `ms`, unless `promise` settles first. */
async function within(promise, ms, what, publisher) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms waiting for ${what}\n${publisher.output()}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lag meters on the three targets for `seconds` once each has listed something. */
async function measureLags(targets, seconds, publisher) {
  const meters = targets.map((t) => ({
    name: t.name,
    meter: startLagMeter({ url: t.url, frames: t.frames, pollMs: 5 }),
  }));
  publisher.start();
  await within(Promise.all(meters.map((m) => m.meter.firstListed)), 30_000, 'every target to list media', publisher);
  log(`lag: measuring for ${seconds} s`);
  await sleep(seconds * 1000);
  return Promise.all(meters.map(async (m) => ({ name: m.name, ...(await m.meter.stop()) })));
}

/**
 * hls.js on each target in turn: origin, edge, nginx-rtmp and the origin's transcoded 240p rendition pinned, first
 * with hls.js's defaults besides `lowLatencyMode`, then again with `maxLiveSyncPlaybackRate: 1.5` (catch-up).
 */
async function measurePlayers(stack, nginxPlaylist, seconds) {
  const player = await startPlayer();
  try {
    const targets = [
      { name: 'Onair origin', src: `${stack.originHls}master.m3u8` },
      { name: 'Onair edge', src: `${stack.edgeHls}master.m3u8` },
      { name: 'nginx-rtmp', src: nginxPlaylist },
      { name: 'Onair origin, 240p transcode pinned', src: `${stack.originHls}master.m3u8`, height: 240 },
    ].flatMap((t) => [t, { ...t, name: `${t.name}, catch-up`, catchUp: true }]);
    targets.sort((a, b) => Number(a.catchUp ?? false) - Number(b.catchUp ?? false));
    const results = [];
    for (const t of targets) {
      log(`player: ${t.name} for ${seconds} s`);
      results.push({ name: t.name, ...(await player.play(t.src, { seconds, height: t.height, catchUp: t.catchUp })) });
    }
    return { chromium: player.chromiumVersion, results };
  } finally {
    await player.stop();
  }
}

/**
 * The lag and player parts on one live publish: the Onair stack (origin and edge) and nginx-rtmp, each behind a
 * frame-recording proxy, fed by one tee encoder that starts once the lag meters follow the playlists.
 */
async function liveSession({ seconds, size, lag, player }) {
  const stack = await startOnairStack({ ladder: LADDER, edge: true });
  const nginx = await startNginx({ rtmp: true });
  const onairProxy = await startRtmpProxy(stack.rtmpPort);
  const nginxProxy = await startRtmpProxy(nginx.rtmpPort);
  const nginxPlaylist = nginx.url(`/hls/${stack.streamKey}.m3u8`);
  const publishSeconds = (lag ? seconds + 60 : 0) + (player ? 8 * (seconds + 45) : 0) + 30;
  let tee;
  const publisher = {
    start: () =>
      (tee ??= publishTee({
        urls: [onairProxy, nginxProxy].map((p) => `rtmp://127.0.0.1:${p.port}/live/${stack.streamKey}`),
        size,
        seconds: publishSeconds,
      })),
    output: () => tee?.output() ?? '',
  };
  try {
    const result = {};
    if (lag) {
      result.lag = await measureLags(
        [
          { name: 'Onair origin', url: `${stack.originHls}source/index.m3u8`, frames: onairProxy.frames },
          { name: 'Onair edge', url: `${stack.edgeHls}source/index.m3u8`, frames: onairProxy.frames },
          { name: 'nginx-rtmp', url: nginxPlaylist, frames: nginxProxy.frames },
        ],
        seconds,
        publisher,
      );
    }
    if (player) {
      publisher.start();
      const ready = async (url) => (await httpGet(url).catch(() => undefined))?.status === 200;
      await waitFor(async () => (await ready(`${stack.edgeHls}master.m3u8`)) && ready(nginxPlaylist), {
        timeoutMs: 30_000,
        what: 'the playlists',
      });
      result.player = await measurePlayers(stack, nginxPlaylist, seconds);
    }
    result.warnings = stack.warnings();
    const parseErrors = [onairProxy, nginxProxy].map((p) => p.frames.parseError()).filter(Boolean);
    if (parseErrors.length > 0) throw new Error(`proxy could not read RTMP: ${parseErrors.join('; ')}`);
    return result;
  } finally {
    await tee?.stop();
    await Promise.all([onairProxy.stop(), nginxProxy.stop()]);
    await nginx.stop();
    await stack.stop();
  }
}

/**
 * The throughput and held-request parts: the origin relay alone on CPU 0 (open-files limit raised); nats-server,
 * ingest (source rendition only, repackaged) and a stream-copy publisher of a pre-encoded file on CPU 1 with the
 * load generator, so the relay's CPU is all its own.
 */
async function pinnedSession({ size, throughput, held, heldBatches }) {
  const dir = mkdtempSync(join(tmpdir(), 'onair-bench-'));
  const removeDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  log('encoding the input file');
  const file = await encodeInputFile({ dir, size, seconds: 30 });
  const stack = await startOnairStack({ ladder: 'source', edge: false });
  let publisher;
  try {
    pinToCpu(stack.pids.origin, 0);
    raiseFileLimit(stack.pids.origin);
    pinToCpu(stack.pids.nats, 1);
    pinToCpu(stack.pids.ingest, 1);
    publisher = publishFileLoop({ file, url: `rtmp://127.0.0.1:${stack.rtmpPort}/live/${stack.streamKey}` });
    pinToCpu(publisher.child.pid, 1);
    const playlistUrl = `${stack.originHls}source/index.m3u8`;
    await waitFor(
      async () => {
        const res = await httpGet(playlistUrl);
        return res.status === 200 && parseMediaPlaylist(res.body.toString('utf8')).segments.length >= 3;
      },
      { timeoutMs: 30_000, what: 'three segments at the origin' },
    ).catch((err) => {
      throw new Error(`${String(err)}\n${publisher.output()}`);
    });
    const result = {};
    if (throughput) {
      log('throughput: wrk, 2 resources × (2 × 2 s warm-up + 5 rounds × 2 × 4 s)');
      result.throughput = await measureThroughput({ playlistUrl, relayPid: stack.pids.origin });
    }
    if (held) {
      log(`held: ${HELD_CONNECTIONS} connections, ${heldBatches} parts`);
      const options = {
        playlistUrl,
        relayPid: stack.pids.origin,
        connections: HELD_CONNECTIONS,
        batches: heldBatches,
      };
      result.held = await measureHeldRequests(options);
    }
    return result;
  } finally {
    await publisher?.stop();
    await stack.stop();
    await removeDir();
  }
}

/**
 * Runs the selected parts and renders the results.
 * @param {{ seconds: number, size: string, only: Set<'lag' | 'player' | 'throughput' | 'held'>, heldBatches: number }}
 *   options seconds: measuring time of the lag part and of each player target; size: the test picture,
 *   "<width>x<height>"; heldBatches: consecutive parts the held requests wait for.
 * @returns {Promise<string>} the results as a Markdown section.
 */
export async function runBench({ seconds, size, only, heldBatches }) {
  const machine = describeMachine();
  const live =
    only.has('lag') || only.has('player')
      ? await liveSession({ seconds, size, lag: only.has('lag'), player: only.has('player') })
      : {};
  const pinned =
    only.has('throughput') || only.has('held')
      ? await pinnedSession({ size, throughput: only.has('throughput'), held: only.has('held'), heldBatches })
      : {};
  return [
    renderHeader(machine, { seconds, size, chromium: live.player?.chromium }),
    live.lag && renderLag(live.lag),
    live.player && renderPlayer(live.player.results),
    live.warnings && renderWarnings(live.warnings),
    pinned.throughput && renderThroughput(pinned.throughput),
    pinned.held && renderHeld(pinned.held),
  ]
    .filter(Boolean)
    .join('\n\n');
}
