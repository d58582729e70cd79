import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { issueToken } from '@onair/realtime';
import { publishTestStream, REPO_ROOT, type TestProcess } from '@onair/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devSignIn, launchWatchBrowser, listTexts, openWatchPage, statusText, until } from './watch-pages.js';
import { WATCH_STACK_JWT_SECRET, startWatchStack, type WatchStack } from './watch-stack.js';
import { openViewer, type TestViewer } from './ws-client.js';

const ROOM = 'watch-danmaku-mod-room';
/** Screenshots of the watch page, kept after the run (gitignored). */
const ARTEFACTS = join(REPO_ROOT, 'test-artifacts', 'watch');
/** Would set `window.pwned` if a page rendered it as HTML. */
const PAYLOAD = '<img src=x onerror="window.pwned=1">';
/** How long a scrolling danmaku crosses the overlay (danmaku-overlay.ts), ms. */
const SCROLL_MS = 8000;

/** When a danmaku's text was put on a page's overlay and taken off it, Date.now() ms (one machine: the test's clock). */
interface OverlayTimes {
  readonly shownAtMs: number;
  readonly goneAtMs?: number;
}

/** Starts recording, in the page, when each danmaku text is put on the overlay and taken off it. */
async function recordOverlay(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: Record<string, { shownAtMs: number; goneAtMs?: number }> = {};
    (window as unknown as { overlayLog: typeof log }).overlayLog = log;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of Array.from(record.addedNodes))
          if (node.textContent) log[node.textContent] ??= { shownAtMs: Date.now() };
        for (const node of Array.from(record.removedNodes)) {
          const entry = node.textContent ? log[node.textContent] : undefined;
          if (entry) entry.goneAtMs ??= Date.now();
        }
      }
    }).observe(document.getElementById('danmaku-layer')!, { childList: true });
  });
}

/** What {@link recordOverlay} saw of `text`; undefined: never on the overlay. */
function overlayTimes(page: Page, text: string): Promise<OverlayTimes | undefined> {
  return page.evaluate((t) => (window as unknown as { overlayLog: Record<string, OverlayTimes> }).overlayLog[t], text);
}

/** Posts a scrolling danmaku from a signed-in page's danmaku form. */
async function postDanmaku(page: Page, text: string): Promise<void> {
  await page.fill('#danmaku-text', text);
  await page.click('#danmaku-form button');
}

describe('danmaku moderation on the watch page in Chromium', () => {
  let stack: WatchStack;
  let browser: Browser;
  let publisher: TestProcess;
  /** A moderator client on the danmaku socket: sets a blocked term, lifts the timeout, posts markers. */
  let modBot: TestViewer;
  /** A viewer signed in with the development sign-in who posts from the page's form. */
  let poster: Page;
  /** A reader whose overlay is watched. */
  let watcher: Page;
  let moderator: Page;
  const pageErrors: string[] = [];

  /** Posts `text` from the moderator client and waits until the watcher's overlay drew it. */
  async function marker(text: string): Promise<void> {
    modBot.send({ type: 'danmaku', text });
    await until(() => overlayTimes(watcher, text), `the marker "${text}" on the viewer's overlay`);
  }

  beforeAll(async () => {
    await mkdir(ARTEFACTS, { recursive: true });
    [stack, browser] = await Promise.all([startWatchStack(ROOM), launchWatchBrowser()]);
    publisher = publishTestStream({ url: stack.rtmpUrl, durationS: 60, size: '320x180' });
    const modToken = await issueToken(
      WATCH_STACK_JWT_SECRET,
      { userId: 'mod-bot', name: 'modbot', roles: ['moderator'] },
      600_000,
    );
    modBot = await openViewer(`${stack.danmakuBase.replace('http:', 'ws:')}/ws?room=${ROOM}`, { token: modToken });
    const open = (): Promise<Page> => openWatchPage(browser, `${stack.relayBase}/watch/${ROOM}`, pageErrors);
    [poster, watcher, moderator] = await Promise.all([open(), open(), open()]);
    await Promise.all([devSignIn(poster, 'pia', 'viewer'), devSignIn(moderator, 'mara', 'moderator')]);
    await moderator.waitForSelector('#danmaku-mod-tools:not([hidden])', { timeout: 10_000 });
    await poster.waitForSelector('#danmaku-text:enabled', { timeout: 10_000 });
    await recordOverlay(watcher);
    // Live: the danmaku then carry the publish, whose replay list is checked.
    await watcher.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.5, undefined, {
      timeout: 30_000,
    });
  }, 90_000);

  afterAll(async () => {
    modBot?.close();
    await publisher?.stop();
    await browser?.close();
    await stack?.stop();
  }, 30_000);

  it("takes a deleted danmaku off the other viewer's overlay, the moderator's list and the replay", async () => {
    const kept = `keep me ${Date.now()}`;
    const deleted = `delete me ${Date.now()}`;
    await postDanmaku(poster, kept);
    await postDanmaku(poster, deleted);
    const frame = await modBot.next((f) => f.type === 'danmaku' && f.text === deleted);
    expect(frame).toMatchObject({ name: 'pia', userId: 'dev-pia' });
    await until(() => overlayTimes(watcher, deleted), "the danmaku on the viewer's overlay");
    const item = moderator.locator('#danmaku-list li', { hasText: deleted });
    await item.waitFor({ timeout: 5000 });
    expect(await item.locator('.mod button').allTextContents()).toEqual(['Delete', 'Timeout', 'Ban']);
    expect(await watcher.isHidden('#danmaku-mod-tools')).toBe(true);
    expect(await poster.isHidden('#danmaku-mod-tools')).toBe(true);
    await moderator.screenshot({ path: join(ARTEFACTS, 'moderator-danmaku.png') });

    const clickedAt = Date.now();
    await item.locator('.mod-delete').click();
    const gone = await until(async () => {
      const times = await overlayTimes(watcher, deleted);
      return times?.goneAtMs !== undefined && { ...times, goneAtMs: times.goneAtMs };
    }, "the danmaku gone from the viewer's overlay");
    console.log(
      `watch danmaku moderation: deleted danmaku off the viewer's overlay ${gone.goneAtMs - clickedAt} ms after ` +
        `the click, ${gone.goneAtMs - gone.shownAtMs} ms after it appeared`,
    );
    // Left alone it would have scrolled for 8 s: it was taken off, not scrolled out.
    expect(gone.goneAtMs - gone.shownAtMs).toBeLessThan(SCROLL_MS - 500);
    await until(async () => !(await listTexts(moderator, '#danmaku-list')).includes(deleted), 'gone from the list');
    expect(await listTexts(moderator, '#danmaku-list')).toContain(kept);
    expect(await statusText(moderator)).toBe('danmaku: delete done');

    const replay = new URL(`/api/rooms/${ROOM}/danmaku.artplayer.json`, stack.danmakuBase);
    replay.searchParams.set('publish', String(frame.publishId));
    const replayed = await until(async () => {
      const texts = ((await (await fetch(replay)).json()) as Array<{ text: string }>).map((d) => d.text);
      return texts.includes(kept) && texts;
    }, 'the kept danmaku in the replay list');
    expect(replayed).not.toContain(deleted);
  }, 30_000);

  it('times the poster out: their next danmaku is refused with the error shown to them', async () => {
    const first = `time me out ${Date.now()}`;
    await postDanmaku(poster, first);
    await moderator.locator('#danmaku-list li', { hasText: first }).locator('.mod-timeout').click({ timeout: 5000 });
    await until(async () => (await statusText(moderator)).includes('danmaku: timeout done'), 'the timeout confirmed');
    const refused = `while timed out ${Date.now()}`;
    await postDanmaku(poster, refused);
    const status = await until(async () => {
      const s = await statusText(poster);
      return s.startsWith('danmaku: BANNED') && s;
    }, "the refusal on the poster's page");
    console.log(`watch danmaku moderation: the poster's status line "${status}"`);
    expect(status).toMatch(/timed out .*\(until .+\)$/);
    await poster.screenshot({ path: join(ARTEFACTS, 'poster-danmaku-timed-out.png') });
    // Danmaku reach viewers in order: once a later one arrived, the refused one never will.
    await marker(`after the timeout ${Date.now()}`);
    expect(await overlayTimes(watcher, refused)).toBeUndefined();

    // A moderator may not ban another moderator: the page shows the server's PERMISSION_DENIED.
    const modText = `from the mod bot ${Date.now()}`;
    modBot.send({ type: 'danmaku', text: modText });
    await moderator.locator('#danmaku-list li', { hasText: modText }).locator('.mod-ban').click({ timeout: 5000 });
    await until(async () => (await statusText(moderator)).startsWith('danmaku: PERMISSION_DENIED'), 'the refusal');
    modBot.send({ type: 'moderate', action: 'unban', userId: 'dev-pia', key: 'unban-1' });
    await modBot.next((f) => f.type === 'moderated' && f.key === 'unban-1');
  }, 30_000);

  it('lists held danmaku for the moderator: approved ones reach the viewer, denied ones never do', async () => {
    modBot.send({ type: 'moderate', action: 'block_term', term: 'holdme', termAction: 'hold', key: 'term-1' });
    await modBot.next((f) => f.type === 'moderated' && f.key === 'term-1');
    const approved = `holdme ${PAYLOAD} ${Date.now()}`;
    await postDanmaku(poster, approved);
    await until(async () => (await statusText(poster)).startsWith('danmaku: HELD_FOR_REVIEW'), 'held, told the poster');
    await until(async () => (await listTexts(moderator, '#danmaku-held-list')).includes(approved), 'the held danmaku');
    expect(await overlayTimes(watcher, approved)).toBeUndefined();
    await moderator.screenshot({ path: join(ARTEFACTS, 'moderator-danmaku-held.png') });

    const clickedAt = Date.now();
    await moderator.locator('#danmaku-held-list li', { hasText: approved }).locator('.mod-approve').click();
    const shown = await until(() => overlayTimes(watcher, approved), "the approved danmaku on the viewer's overlay");
    console.log(
      `watch danmaku moderation: approved danmaku on the viewer's overlay ${shown.shownAtMs - clickedAt} ms after the click`,
    );
    await until(
      async () => !(await listTexts(moderator, '#danmaku-held-list')).includes(approved),
      'held list emptied',
    );

    const denied = `holdme denied ${Date.now()}`;
    await postDanmaku(poster, denied);
    const deny = moderator.locator('#danmaku-held-list li', { hasText: denied }).locator('.mod-deny');
    await deny.click({ timeout: 5000 });
    await until(async () => !(await listTexts(moderator, '#danmaku-held-list')).includes(denied), 'denied: unlisted');
    await marker(`after the denial ${Date.now()}`);
    expect(await overlayTimes(watcher, denied)).toBeUndefined();
    expect(await listTexts(moderator, '#danmaku-list')).not.toContain(denied);

    for (const page of [poster, watcher, moderator]) {
      const marks = await page.evaluate(() => ({
        pwned: (window as unknown as { pwned?: number }).pwned,
        images: document.querySelectorAll('main img').length,
      }));
      expect(marks).toEqual({ pwned: undefined, images: 0 });
    }
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
