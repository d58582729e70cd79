import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';

/** What the hls.js player in Chromium reached. */
export interface PlaybackReport {
  /** "<width>x<height>" of every level (rendition) hls.js parsed from the master playlist. */
  levels: string[];
  /** Seconds of media played. */
  currentTime: number;
  videoWidth: number;
  videoHeight: number;
  /** Fatal hls.js errors, "<type>:<details>". */
  fatalErrors: string[];
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>onair e2e player</title>
<video id="v" muted autoplay playsinline></video>
<script src="/hls.js"></script>
<script>
  const v = document.getElementById('v');
  window.report = { levels: [], fatalErrors: [] };
  const hls = new Hls();
  hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) window.report.fatalErrors.push(d.type + ':' + d.details); });
  hls.on(Hls.Events.MANIFEST_PARSED, (_e, d) => {
    window.report.levels = d.levels.map((l) => l.width + 'x' + l.height);
    void v.play();
  });
  hls.loadSource(new URLSearchParams(location.search).get('src'));
  hls.attachMedia(v);
</script>`;

/** Chromium flags for a closed network (no background fetches, no sandbox as root). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
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
 * Plays an HLS URL with hls.js in Debian's Chromium (/usr/bin/chromium, or CHROMIUM_BIN) from a page on another
 * origin, so CORS is exercised, and waits until `minSeconds` of media have played or `timeoutMs` passes.
 */
export async function playInHlsJs(src: string, minSeconds: number, timeoutMs: number): Promise<PlaybackReport> {
  const server = await servePlayer();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    const page = await browser.newPage();
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/?src=${encodeURIComponent(src)}`);
    const read = (): Promise<PlaybackReport> =>
      page.evaluate(() => {
        const v = document.getElementById('v') as HTMLVideoElement;
        const r = (window as unknown as { report: { levels: string[]; fatalErrors: string[] } }).report;
        return { ...r, currentTime: v.currentTime, videoWidth: v.videoWidth, videoHeight: v.videoHeight };
      });
    const deadline = Date.now() + timeoutMs;
    let report = await read();
    while (report.currentTime < minSeconds && report.fatalErrors.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      report = await read();
    }
    return report;
  } finally {
    await browser?.close();
    server.close();
  }
}
