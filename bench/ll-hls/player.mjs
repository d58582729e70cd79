import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { onCleanup } from './cleanup.mjs';

const HLS_JS = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');

/** Chromium as the e2e suite runs it, headless, with no background traffic and autoplay allowed. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** Sampling interval of the page, ms. */
const SAMPLE_MS = 500;

/**
 * The player page: hls.js with `lowLatencyMode: true` and otherwise its defaults, muted, played once hls.js has
 * buffered its first fragment at its start position (as the e2e page and the watch page do). Query: `src` the
 * playlist, `height` (optional) the level to pin (`hls.currentLevel`), `catchUp` (optional) to let hls.js play
 * up to 1.5× fast to hold its target latency (`maxLiveSyncPlaybackRate`; its default, 1, never catches up). Every SAMPLE_MS once playing it samples
 * `hls.latency` (s behind the live edge) and, when the playlist carries EXT-X-PROGRAM-DATE-TIME, the latency by
 * PDT (`Date.now() - hls.playingDate`, ms); it counts the video's `waiting` events and hls.js
 * BUFFER_STALLED_ERRORs after playback started.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>onair ll-hls bench player</title>
<video id="v" muted playsinline></video>
<script src="/hls.js"></script>
<script>
  const query = new URLSearchParams(location.search);
  const video = document.getElementById('v');
  const bench = (window.bench = { levels: [], absent: false, playing: false, startedAt: 0, samples: [], waiting: 0, waitingAtS: [], stalledErrors: 0, fatal: [] });
  const hls = new Hls({ lowLatencyMode: true, ...(query.get('catchUp') ? { maxLiveSyncPlaybackRate: 1.5 } : {}) });
  hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
    bench.levels = data.levels.map((l) => l.height);
    const height = Number(query.get('height'));
    if (height) {
      const level = data.levels.findIndex((l) => l.height === height);
      if (level < 0) bench.absent = true;
      else hls.currentLevel = level;
    }
  });
  // Playing earlier (autoplay, or on MANIFEST_PARSED) starts at the first fragment's keyframe and is then seeked to
  // hls.js's start position, which can leave almost nothing buffered: a stall that is the page's, not the server's.
  let started = false;
  hls.on(Hls.Events.FRAG_BUFFERED, () => {
    if (started || !hls.hasEnoughToStart) return;
    started = true;
    video.play().catch(() => undefined);
  });
  hls.on(Hls.Events.ERROR, (_e, data) => {
    if (data.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR && bench.playing) bench.stalledErrors++;
    if (data.fatal) bench.fatal.push(data.type + ':' + data.details);
  });
  video.addEventListener('playing', () => {
    if (!bench.playing) bench.startedAt = performance.now();
    bench.playing = true;
  });
  video.addEventListener('waiting', () => {
    if (!bench.playing) return;
    bench.waiting++;
    bench.waitingAtS.push(Math.round((performance.now() - bench.startedAt) / 100) / 10);
  });
  setInterval(() => {
    if (!bench.playing) return;
    const date = hls.playingDate;
    bench.samples.push({
      latencyS: hls.latency,
      pdtLatencyMs: date ? Date.now() - date.getTime() : null,
      height: hls.levels[hls.currentLevel]?.height ?? null,
    });
  }, ${SAMPLE_MS});
  hls.loadSource(query.get('src'));
  hls.attachMedia(video);
</script>`;

/**
 * @typedef {object} PlaybackResult
 * @property {number[]} levels heights of the levels hls.js parsed.
 * @property {boolean} absent the level to pin was not there (nothing was played).
 * @property {boolean} started playback started within the start timeout.
 * @property {number[]} latencyS `hls.latency` samples, s.
 * @property {number[]} pdtLatencyMs latency-by-PDT samples, ms (none without EXT-X-PROGRAM-DATE-TIME).
 * @property {number[]} heights the heights of the levels played while sampling, each once.
 * @property {number} waiting `waiting` events after playback started.
 * @property {number[]} waitingAtS when each of them came, s after playback started.
 * @property {number} stalledErrors BUFFER_STALLED_ERRORs after playback started.
 * @property {string[]} fatal fatal hls.js errors, "<type>:<details>".
 */

/**
 * @typedef {object} Player
 * @property {string} chromiumVersion
 * @property {(src: string, options: { seconds: number, height?: number, catchUp?: boolean }) =>
 *   Promise<PlaybackResult>} play plays `src` in a new page for `seconds` after playback starts (which may take up to
 *   30 s), pinned to the level of `height` when given, with `maxLiveSyncPlaybackRate: 1.5` when `catchUp`.
 * @property {() => Promise<void>} stop
 */

/**
 * Serves the player page and hls.js (from node_modules, no CDN) on a loopback port, and launches Debian's Chromium
 * (`/usr/bin/chromium`, or CHROMIUM_BIN) through playwright-core. The page's origin differs from the servers',
 * so CORS is exercised as for a real player.
 * @returns {Promise<Player>}
 */
export async function startPlayer() {
  const hlsJs = readFileSync(HLS_JS);
  const server = createServer((req, res) => {
    if (req.url === '/hls.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const closeServer = onCleanup(() => new Promise((resolve) => server.close(resolve)));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    // Playwright would exit the process on these signals once the browser is closed; run.mjs stops everything.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const closeBrowser = onCleanup(() => browser.close());
  const origin = `http://127.0.0.1:${server.address().port}/`;
  return {
    chromiumVersion: browser.version(),
    async play(src, { seconds, height, catchUp }) {
      const page = await browser.newPage();
      try {
        const query = new URLSearchParams({
          src,
          ...(height ? { height: String(height) } : {}),
          ...(catchUp ? { catchUp: '1' } : {}),
        });
        await page.goto(`${origin}?${query}`);
        const started = await page
          .waitForFunction('bench.playing || bench.absent || bench.fatal.length > 0', null, { timeout: 30_000 })
          .then(() => page.evaluate('bench.playing'))
          .catch(() => false);
        if (started) await page.waitForTimeout(seconds * 1000);
        const bench = await page.evaluate('bench');
        return {
          levels: bench.levels,
          absent: bench.absent,
          started,
          latencyS: bench.samples.map((s) => s.latencyS).filter((v) => Number.isFinite(v)),
          pdtLatencyMs: bench.samples.map((s) => s.pdtLatencyMs).filter((v) => v !== null),
          heights: [...new Set(bench.samples.map((s) => s.height))],
          waiting: bench.waiting,
          waitingAtS: bench.waitingAtS,
          stalledErrors: bench.stalledErrors,
          fatal: bench.fatal,
        };
      } finally {
        await page.close();
      }
    },
    async stop() {
      await closeBrowser();
      await closeServer();
    },
  };
}
