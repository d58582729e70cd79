import { waitFor } from '@onair/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from './player-pages.js';

/** The watch page's lists of posts: chat, chat held for review, the moderators' recent danmaku, danmaku held. */
export type PostListId = '#chat-list' | '#held-list' | '#danmaku-list' | '#danmaku-held-list';

/**
 * Resolves to `probe`'s first truthy answer, asking every 20 ms.
 * @throws Error naming `what` when none comes within `timeoutMs`.
 */
export function until<T>(probe: () => Promise<T | false | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  return waitFor(probe, { what, timeoutMs, intervalMs: 20 });
}

/** Launches Chromium for watch pages: `CHROMIUM_BIN`, default Debian's `/usr/bin/chromium`, headless. */
export function launchWatchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Opens `url` in a new 1280×720 page, pushing the message of each uncaught error of the page onto `errors`. */
export async function openWatchPage(browser: Browser, url: string, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url);
  return page;
}

/**
 * Signs a watch page in with its development sign-in (the stack's relay has the JWT secret file) as `name` with
 * `role`, and waits until a socket's `welcome` named the user.
 */
export async function devSignIn(page: Page, name: string, role: 'viewer' | 'moderator'): Promise<void> {
  await page.fill('#dev-name', name);
  await page.selectOption('#dev-role', role);
  await page.click('#dev-sign-in button');
  await page.waitForSelector(`#signed-in-as:has-text("Signed in as ${name}")`, { timeout: 10_000 });
}

/** The texts of the posts a page lists in `list`, oldest first. */
export function listTexts(page: Page, list: PostListId): Promise<string[]> {
  return page.$$eval(`${list} li .text`, (els) => els.map((e) => e.textContent ?? ''));
}

/** The status line of a page (errors and moderation answers, e.g. "danmaku: BANNED: …"). */
export async function statusText(page: Page): Promise<string> {
  return (await page.textContent('#status')) ?? '';
}
