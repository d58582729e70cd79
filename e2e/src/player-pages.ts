import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

/** What a player page saw, read from its DOM and its player's events. */
export interface PlayerReport {
  /** Texts of the danmaku elements the player put on screen, in the order they first appeared. */
  seen: string[];
  /** The video's playhead, s. */
  currentTime: number;
  /** Whether the player finished loading its danmaku (DPlayer hid its loading mark; the plugin's `loaded`). */
  danmakuLoaded: boolean;
  /** Fatal hls.js errors ("<type>:<details>") and danmaku load or post errors. */
  errors: string[];
  /** Answers of the danmaku posts the page sent (DPlayer's `send`), as parsed JSON. */
  sent: unknown[];
}

/** Where a DPlayer page plays from and reads (and posts) danmaku. */
export interface DplayerConfig {
  /** HLS master playlist URL. */
  src: string;
  /** DPlayer's `danmaku.api`: it reads `{api}v3/?id=` and posts to `{api}v3/`. */
  api: string;
  /** DPlayer's `danmaku.id`, `<room>.<publishId>`. */
  id: string;
  /** A viewer token, DPlayer's `danmaku.token`: DPlayer 1.27 sends it in the JSON body of its posts. */
  token?: string;
}

/** Where an ArtPlayer page plays from and the URL of its artplayer-plugin-danmuku item list. */
export interface ArtplayerConfig {
  src: string;
  /** `GET /api/rooms/<room>/danmaku.artplayer.json?publish=<id>`. */
  danmuku: string;
}

/** Collects the texts of danmaku elements matching `selector` every 100 ms into `window.report.seen`. */
const WATCH = `
  const report = (window.report = { seen: [], danmakuLoaded: false, errors: [], sent: [] });
  const watchDanmaku = (selector) => setInterval(() => {
    for (const el of document.querySelectorAll(selector)) {
      const text = el.textContent;
      if (text && !report.seen.includes(text)) report.seen.push(text);
    }
  }, 100);
  const attachHls = (video, url) => {
    const hls = new Hls();
    hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) report.errors.push('hls ' + d.type + ':' + d.details); });
    hls.loadSource(url);
    hls.attachMedia(video);
  };`;

const DPLAYER_PAGE = `<!doctype html><meta charset="utf-8"><title>onair e2e DPlayer</title>
<style>body { margin: 0; background: #222; } #player { width: 960px; height: 540px; }</style>
<div id="player"></div>
<script src="/hls.js"></script>
<script src="/dplayer.js"></script>
<script>${WATCH}
  // DPlayer posts with axios (XMLHttpRequest): keep each POST's answer.
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, ...rest) {
    if (method === 'POST') {
      this.addEventListener('load', () => report.sent.push(JSON.parse(this.responseText)));
      this.addEventListener('error', () => report.sent.push({ error: 'network' }));
    }
    return open.call(this, method, ...rest);
  };
  window.startPlayer = (c) => {
    const dp = (window.dp = new DPlayer({
      container: document.getElementById('player'),
      autoplay: true,
      video: { url: c.src, type: 'customHls', customType: { customHls: (video) => attachHls(video, video.src) } },
      danmaku: { id: c.id, api: c.api, user: 'e2e', ...(c.token ? { token: c.token } : {}) },
    }));
    // DPlayer 1.27 drops its own danmaku_load_end (not among its events); it hides its loading mark once read.
    const loading = document.querySelector('.dplayer-danloading');
    const loaded = setInterval(() => {
      if (loading.style.display !== 'none') return;
      report.danmakuLoaded = true;
      clearInterval(loaded);
    }, 100);
    watchDanmaku('.dplayer-danmaku-item');
  };
</script>`;

const ARTPLAYER_PAGE = `<!doctype html><meta charset="utf-8"><title>onair e2e ArtPlayer</title>
<style>body { margin: 0; background: #222; } #player { width: 960px; height: 540px; }</style>
<div id="player"></div>
<script src="/hls.js"></script>
<script src="/artplayer.js"></script>
<script src="/artplayer-plugin-danmuku.js"></script>
<script>${WATCH}
  window.startPlayer = (c) => {
    const art = (window.art = new Artplayer({
      container: '#player',
      url: c.src,
      type: 'm3u8',
      muted: true,
      autoplay: true,
      customType: { m3u8: (video, url) => attachHls(video, url) },
      plugins: [
        artplayerPluginDanmuku({
          danmuku: () => fetch(c.danmuku).then((r) => r.json()),
          speed: 5,
        }),
      ],
    }));
    art.on('artplayerPluginDanmuku:loaded', () => { report.danmakuLoaded = true; });
    art.on('artplayerPluginDanmuku:error', (err) => { report.errors.push('danmuku ' + String(err)); });
    watchDanmaku('.art-danmuku > *');
  };
</script>`;

/** The players' UMD builds from node_modules, served as they are (no bundler). */
function scripts(): Map<string, Buffer> {
  const require = createRequire(import.meta.url);
  return new Map(
    Object.entries({
      '/hls.js': 'hls.js/dist/hls.min.js',
      '/dplayer.js': 'dplayer',
      '/artplayer.js': 'artplayer',
      '/artplayer-plugin-danmuku.js': 'artplayer-plugin-danmuku',
    }).map(([path, module]) => [path, readFileSync(require.resolve(module))]),
  );
}

function servePages(): Promise<Server> {
  const files = scripts();
  const pages = new Map([
    ['/dplayer.html', DPLAYER_PAGE],
    ['/artplayer.html', ARTPLAYER_PAGE],
  ]);
  const server = createServer((req, res) => {
    const script = files.get(req.url ?? '');
    const page = pages.get(req.url ?? '');
    if (script) res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (page) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Chromium flags for a closed network (no background fetches, no sandbox as root). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];

/** A player in a page of {@link PlayerBrowser}. */
export interface PlayerPage {
  readonly page: Page;
  /** What the page saw so far. */
  report(): Promise<PlayerReport>;
  /**
   * Polls {@link report} every 250 ms until `done` holds, or `timeoutMs` passes.
   * @returns the last report, whether or not `done` held.
   */
  until(done: (r: PlayerReport) => boolean, timeoutMs: number): Promise<PlayerReport>;
}

/** Debian's Chromium with a page server on its own origin (so every request to the stack is cross-origin). */
export interface PlayerBrowser {
  dplayer(config: DplayerConfig): Promise<PlayerPage>;
  artplayer(config: ArtplayerConfig): Promise<PlayerPage>;
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium (/usr/bin/chromium, or CHROMIUM_BIN) through playwright-core and serves DPlayer's and
 * ArtPlayer's pages (with hls.js and artplayer-plugin-danmuku, from node_modules) on 127.0.0.1:<free port>. Each
 * player gets its own 960×540 page; its config (and any token) is handed over by `page.evaluate`, never in a URL.
 */
export async function startPlayerBrowser(): Promise<PlayerBrowser> {
  const server = await servePages();
  const { port } = server.address() as AddressInfo;
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
  } catch (err) {
    server.close();
    throw err;
  }
  const open = async (path: string, config: DplayerConfig | ArtplayerConfig): Promise<PlayerPage> => {
    const page = await browser.newPage({ viewport: { width: 960, height: 540 } });
    await page.goto(`http://127.0.0.1:${port}${path}`);
    await page.evaluate((c) => (window as unknown as { startPlayer(c: unknown): void }).startPlayer(c), config);
    const report = (): Promise<PlayerReport> =>
      page.evaluate(() => {
        const r = (window as unknown as { report: Omit<PlayerReport, 'currentTime'> }).report;
        return { ...r, currentTime: document.querySelector('video')?.currentTime ?? 0 };
      });
    return {
      page,
      report,
      async until(done, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        let r = await report();
        while (!done(r) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          r = await report();
        }
        return r;
      },
    };
  };
  return {
    dplayer: (config) => open('/dplayer.html', config),
    artplayer: (config) => open('/artplayer.html', config),
    async close() {
      await browser.close();
      server.close();
    },
  };
}
