import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';

/** What the hls.js player in Chromium reached. */
export interface PlaybackReport {
  /** "<width>x<height>" of every level (rendition) hls.js parsed from the master playlist. */
  levels: string[];
  /** Position of the playhead, s of the stream's media timeline. */
  currentTime: number;
  /** Seconds of media played since playback started (a live player starts near the live edge, not at 0). */
  played: number;
  videoWidth: number;
  videoHeight: number;
  /** Fatal hls.js errors, "<type>:<details>". */
  fatalErrors: string[];
  /** Times playback stalled after it started: the video's `waiting` events, and hls.js BUFFER_STALLED_ERROR. */
  stalls: number;
  /**
   * Stalls with less than {@link STARVED_AHEAD_S} of media buffered ahead of the playhead: the player ran out of
   * media, which the servers answer for. A stall with media buffered ahead is the browser's decoder falling behind
   * (both cores busy), counted in `stalls` only.
   */
  starvations: number;
  /** Each stall: what reported it, the playhead (s) and the buffered ranges then. */
  stallLog: string[];
  /** The playhead at each stall, s. */
  stallAt: number[];
  /** hls.js `latency` samples (distance to the live edge, s), one per 500 ms once playing. */
  edgeLatencies: number[];
  /** Latency by EXT-X-PROGRAM-DATE-TIME samples (wall clock minus the date of the playhead, s). */
  clockLatencies: number[];
}

/** Options of {@link playInHlsJs}. */
export interface PlayOptions {
  /** Play at least this many seconds of media. */
  minSeconds: number;
  /** Give up after this long, ms. */
  timeoutMs: number;
  /** hls.js `lowLatencyMode`: parts, blocking reload, preload hints (draft-pantos-hls-rfc8216bis). */
  lowLatency?: boolean;
  /** Pin a level by its height (e.g. 480); hls.js's ABR otherwise. */
  height?: number;
}

/** Media buffered ahead of the playhead under which a stall counts as a starvation, s. */
export const STARVED_AHEAD_S = 0.25;

const PAGE = `<!doctype html><meta charset="utf-8"><title>onair e2e player</title>
<video id="v" muted playsinline></video>
<script src="/hls.js"></script>
<script>
  const q = new URLSearchParams(location.search);
  const v = document.getElementById('v');
  const r = (window.report = { levels: [], fatalErrors: [], stalls: 0, starvations: 0, stallLog: [], stallAt: [], edgeLatencies: [], clockLatencies: [], startedAt: null });
  const ranges = () => Array.from({ length: v.buffered.length }, (_, i) => v.buffered.start(i).toFixed(2) + '-' + v.buffered.end(i).toFixed(2)).join(' ');
  const ahead = () => {
    for (let i = 0; i < v.buffered.length; i++) {
      if (v.buffered.start(i) <= v.currentTime && v.currentTime < v.buffered.end(i)) return v.buffered.end(i) - v.currentTime;
    }
    return 0;
  };
  const stalled = (what) => {
    r.stalls++;
    if (ahead() < ${STARVED_AHEAD_S}) r.starvations++;
    r.stallAt.push(v.currentTime);
    r.stallLog.push(what + ' at ' + v.currentTime.toFixed(2) + ' buffered ' + ranges());
  };
  const hls = new Hls({ lowLatencyMode: q.get('ll') === '1' });
  let playing = false;
  v.addEventListener('playing', () => {
    playing = true;
    if (r.startedAt === null) r.startedAt = v.currentTime;
  });
  v.addEventListener('waiting', () => { if (playing) stalled('waiting'); });
  hls.on(Hls.Events.ERROR, (_e, d) => {
    if (d.fatal) r.fatalErrors.push(d.type + ':' + d.details);
    else if (d.details === Hls.ErrorDetails.BUFFER_STALLED_ERROR && playing) stalled('BUFFER_STALLED_ERROR');
  });
  hls.on(Hls.Events.MANIFEST_PARSED, (_e, d) => {
    r.levels = d.levels.map((l) => l.width + 'x' + l.height);
    const height = Number(q.get('height'));
    if (height) hls.currentLevel = d.levels.findIndex((l) => l.height === height);
  });
  // Played once hls.js has buffered its first fragment and moved the playhead to its start position. A video told to
  // play before (autoplay, or play() on MANIFEST_PARSED) starts at that fragment's keyframe, where hls.js's gap
  // controller puts it, and is then seeked forward to the start position, which can be within a few ms of the end
  // of what is buffered: a stall at start-up with the next part listed but not yet fetched.
  let started = false;
  hls.on(Hls.Events.FRAG_BUFFERED, () => {
    if (started || !hls.hasEnoughToStart) return;
    started = true;
    void v.play();
  });
  setInterval(() => {
    if (!playing || v.paused) return;
    if (Number.isFinite(hls.latency)) r.edgeLatencies.push(hls.latency);
    if (hls.playingDate) r.clockLatencies.push((Date.now() - hls.playingDate.getTime()) / 1000);
  }, 500);
  hls.loadSource(q.get('src'));
  hls.attachMedia(v);
</script>`;

/** Chromium flags for a closed network (no background fetches, no sandbox as root). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];

function servePlayer(): Promise<Server> {
  const hlsJs = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));
  const server = createServer((req, res) => {
    if (req.url === '/hls.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Plays HLS URLs with hls.js in Debian's Chromium (/usr/bin/chromium, or CHROMIUM_BIN), each in its own page of one
 * browser, from a page on another origin so CORS is exercised, and waits until each has played `minSeconds` of
 * media (or hit a fatal error) or `timeoutMs` passes.
 */
export async function playInHlsJs(sources: readonly string[], options: PlayOptions): Promise<PlaybackReport[]> {
  const server = await servePlayer();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    const { port } = server.address() as AddressInfo;
    const launched = browser;
    return await Promise.all(
      sources.map(async (src) => {
        const page = await launched.newPage();
        const query = new URLSearchParams({ src, ll: options.lowLatency ? '1' : '0' });
        if (options.height) query.set('height', String(options.height));
        await page.goto(`http://127.0.0.1:${port}/?${query.toString()}`);
        const read = (): Promise<PlaybackReport> =>
          page.evaluate(() => {
            const v = document.getElementById('v') as HTMLVideoElement;
            type PageReport = Omit<PlaybackReport, 'currentTime' | 'played' | 'videoWidth' | 'videoHeight'> & {
              startedAt: number | null;
            };
            const { startedAt, ...r } = (window as unknown as { report: PageReport }).report;
            const played = startedAt === null ? 0 : v.currentTime - startedAt;
            return { ...r, currentTime: v.currentTime, played, videoWidth: v.videoWidth, videoHeight: v.videoHeight };
          });
        const deadline = Date.now() + options.timeoutMs;
        let report = await read();
        while (report.played < options.minSeconds && report.fatalErrors.length === 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
          report = await read();
        }
        return report;
      }),
    );
  } finally {
    await browser?.close();
    server.close();
  }
}

/** The median of samples; NaN when there are none. */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN);
}
