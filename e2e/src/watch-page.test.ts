import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { issueToken } from '@onair/realtime';
import { publishTestStream, REPO_ROOT, waitFor, type TestProcess } from '@onair/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWatchBrowser } from './watch-pages.js';
import { WATCH_STACK_JWT_SECRET, startWatchStack, type WatchStack } from './watch-stack.js';
import { openViewer, type TestViewer } from './ws-client.js';

const ROOM = 'watch-room';
const PUBLISH_S = 30;
/** Screenshots of the watch page, kept after the run (gitignored). */
const ARTEFACTS = join(REPO_ROOT, 'test-artifacts', 'watch');
/** Would set `window.pwned` if any page rendered it as HTML. */
const PAYLOAD = '<img src=x onerror="window.pwned=1">';

/** The watch page's state, read from its DOM. */
interface PageState {
  currentTime: number;
  live: boolean;
  replay: boolean;
  latency: string;
  viewers: string;
  danmaku: string[];
  chat: string[];
  signedInAs: string;
  status: string;
  pwned: boolean;
  images: number;
}

function readState(page: Page): Promise<PageState> {
  return page.evaluate(() => {
    const text = (selector: string): string => document.querySelector(selector)?.textContent ?? '';
    const all = (selector: string): string[] =>
      Array.from(document.querySelectorAll(selector), (e) => e.textContent ?? '');
    return {
      currentTime: document.querySelector('video')?.currentTime ?? 0,
      live: !(document.getElementById('live-badge') as HTMLElement).hidden,
      replay: !(document.getElementById('replay-badge') as HTMLElement).hidden,
      latency: text('#latency'),
      viewers: text('#viewers'),
      danmaku: all('#danmaku-layer .danmaku'),
      chat: all('#chat-list li .text'),
      signedInAs: text('#signed-in-as'),
      status: text('#status'),
      pwned: (window as unknown as { pwned?: number }).pwned !== undefined,
      images: document.querySelectorAll('main img').length,
    };
  });
}

async function until(
  page: Page,
  done: (s: PageState) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<PageState> {
  return waitFor(
    async () => {
      const s = await readState(page);
      return done(s) && s;
    },
    { what, timeoutMs, intervalMs: 100 },
  );
}

describe('the watch page in Chromium', () => {
  let stack: WatchStack;
  let browser: Browser;
  let publisher: TestProcess;
  let danmaku: TestViewer;
  let chat: TestViewer;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTEFACTS, { recursive: true });
    [stack, browser] = await Promise.all([startWatchStack(ROOM), launchWatchBrowser()]);
    publisher = publishTestStream({ url: stack.rtmpUrl, durationS: PUBLISH_S, size: '640x360' });
    const token = await issueToken(
      WATCH_STACK_JWT_SECRET,
      { userId: 'bot-1', name: 'bot', roles: ['viewer'] },
      600_000,
    );
    const ws = (base: string): string => `${base.replace('http:', 'ws:')}/ws?room=${ROOM}`;
    [danmaku, chat] = await Promise.all([
      openViewer(ws(stack.danmakuBase), { token }),
      openViewer(ws(stack.chatBase), { token }),
    ]);
  }, 90_000);

  afterAll(async () => {
    danmaku?.close();
    chat?.close();
    await publisher?.stop();
    await browser?.close();
    await stack?.stop();
  }, 30_000);

  const open = async (path: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content.Security.Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    await page.goto(`${stack.relayBase}${path}`);
    return page;
  };

  let publishId = '';
  let recordedAtS = 0;

  it('plays LL-HLS live with danmaku and chat from other clients, rendered as text', async () => {
    const page = await open(`/watch/${ROOM}`);
    const playing = await until(page, (s) => s.currentTime > 1 && s.live && /latency \d/.test(s.latency), 'live play');
    console.log(`watch page: playing at ${playing.currentTime.toFixed(1)} s, ${playing.latency}`);
    const response = await page.request.get(`${stack.relayBase}/watch/${ROOM}`);
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");

    // A danmaku posted by another client: time from the post to the element on the overlay, on one machine's clock.
    await page.evaluate(() => {
      const w = window as unknown as { seenAt?: Record<string, number> };
      w.seenAt = {};
      new MutationObserver(() => {
        for (const el of Array.from(document.querySelectorAll('#danmaku-layer .danmaku'))) {
          const text = el.textContent ?? '';
          w.seenAt![text] ??= Date.now();
        }
      }).observe(document.getElementById('danmaku-layer')!, { childList: true });
    });
    const text = `hello from bot ${Date.now()}`;
    const postedAt = Date.now();
    danmaku.send({ type: 'danmaku', text, mode: 'top', color: '#ff4040', size: 'large' });
    const seenAt = await waitFor(
      () => page.evaluate((t) => (window as unknown as { seenAt: Record<string, number> }).seenAt[t], text),
      { what: 'the danmaku on the overlay', timeoutMs: 5000, intervalMs: 20 },
    );
    const delayMs = seenAt - postedAt;
    console.log(`watch page: danmaku on the overlay ${delayMs} ms after the post`);
    expect(delayMs).toBeLessThan(1000);
    const posted = (await danmaku.next((f) => f.type === 'danmaku' && f.text === text)) as {
      publishId: string;
      streamTimeMs: number;
    };
    publishId = posted.publishId;
    recordedAtS = posted.streamTimeMs / 1000;

    chat.send({ type: 'message', text: 'hi from the chat bot' });
    danmaku.send({ type: 'danmaku', text: PAYLOAD });
    chat.send({ type: 'message', text: PAYLOAD });
    const shown = await until(
      page,
      (s) => s.chat.includes('hi from the chat bot') && s.chat.includes(PAYLOAD) && s.danmaku.includes(PAYLOAD),
      'chat and the payloads shown as text',
    );
    expect(shown.pwned).toBe(false);
    expect(shown.images).toBe(0);
    await page.screenshot({ path: join(ARTEFACTS, 'live.png') });

    // The quality selector lists auto and the rendition; the off switch stops drawing danmaku.
    const qualities = await page.$$eval('#quality option', (options) => options.map((o) => o.textContent));
    expect(qualities).toEqual(['auto', '360p']);
    await page.uncheck('#danmaku-on');
    danmaku.send({ type: 'danmaku', text: 'not drawn while off' });
    await danmaku.next((f) => f.type === 'danmaku' && f.text === 'not drawn while off');
    await new Promise((r) => setTimeout(r, 500));
    expect((await readState(page)).danmaku).toEqual([]);
    await page.check('#danmaku-on');

    // Signed in with the development sign-in, the page posts chat and danmaku that the other client receives.
    await page.fill('#dev-name', 'alice');
    await page.click('#dev-sign-in button');
    await until(page, (s) => s.signedInAs.includes('alice'), 'the development sign-in');
    await page.fill('#chat-text', 'hello from the page');
    await page.click('#chat-form button');
    await chat.next((f) => f.type === 'message' && f.text === 'hello from the page' && f.name === 'alice');
    await page.fill('#danmaku-text', 'danmaku from the page');
    await page.selectOption('#danmaku-mode', 'bottom');
    await page.click('#danmaku-form button');
    const own = await danmaku.next((f) => f.type === 'danmaku' && f.text === 'danmaku from the page');
    expect(own).toMatchObject({ name: 'alice', mode: 'bottom' });
    const viewers = await until(page, (s) => /\d+ watching/.test(s.viewers), 'the viewer count');
    console.log(`watch page: ${viewers.viewers}`);
    await page.screenshot({ path: join(ARTEFACTS, 'live-signed-in.png') });
    expect((await readState(page)).pwned).toBe(false);
    await page.close();
  }, 60_000);

  it('takes a pasted token, and says so when it expires', async () => {
    const page = await open(`/watch/${ROOM}`);
    const token = await issueToken(
      WATCH_STACK_JWT_SECRET,
      { userId: 'short-1', name: 'shorty', roles: ['viewer'] },
      4000,
    );
    await page.fill('#token-input', token);
    await page.click('#token-form button');
    await until(page, (s) => s.signedInAs.includes('shorty'), 'signed in with the pasted token');
    // Either socket's welcome names the user; the chat form opens on the chat socket's own.
    await page.waitForSelector('#chat-text:enabled', { timeout: 3000 });
    await until(page, (s) => s.signedInAs.includes('expired'), 'the expiry shown', 20_000);
    expect(await page.isEnabled('#chat-text')).toBe(false);
    await page.close();
  }, 30_000);

  it('replays the recording with its danmaku at their stream times', async () => {
    expect(publishId).not.toBe('');
    await publisher.exited;
    await waitFor(
      async () => {
        const res = await fetch(`${stack.relayBase}/api/recordings?room=${ROOM}`);
        const list = (await res.json()) as Array<{ publishId: string; durationMs: number | null }>;
        return list.some((r) => r.publishId === publishId && r.durationMs !== null);
      },
      { what: 'the recording to finish', timeoutMs: 20_000 },
    );
    const page = await open(`/watch/${ROOM}/${publishId}`);
    const replayed = await waitFor(
      async () => {
        const s = await readState(page);
        return s.danmaku.some((t) => t.startsWith('hello from bot')) && s;
      },
      { what: 'the recorded danmaku on the replay', timeoutMs: recordedAtS * 1000 + 20_000, intervalMs: 100 },
    );
    console.log(
      `watch page: replay showed the danmaku at ${replayed.currentTime.toFixed(2)} s, recorded at ${recordedAtS.toFixed(2)} s`,
    );
    expect(replayed.replay).toBe(true);
    expect(replayed.live).toBe(false);
    expect(Math.abs(replayed.currentTime - recordedAtS)).toBeLessThan(1);
    await page.screenshot({ path: join(ARTEFACTS, 'replay.png') });
    await page.close();
    expect(pageErrors).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 90_000);
});
