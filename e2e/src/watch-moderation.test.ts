import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { issueToken } from '@onair/realtime';
import { publishTestStream, REPO_ROOT, type TestProcess } from '@onair/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devSignIn, launchWatchBrowser, listTexts, openWatchPage, statusText, until } from './watch-pages.js';
import { WATCH_STACK_JWT_SECRET, startWatchStack, type WatchStack } from './watch-stack.js';
import { openViewer, type TestViewer } from './ws-client.js';

const ROOM = 'watch-mod-room';
/** Screenshots of the watch page, kept after the run (gitignored). */
const ARTEFACTS = join(REPO_ROOT, 'test-artifacts', 'watch');

describe('the watch page for a moderator in Chromium', () => {
  let stack: WatchStack;
  let browser: Browser;
  let publisher: TestProcess;
  /** A viewer posting chat, and a moderator client setting a blocked term, over their own sockets. */
  let poster: TestViewer;
  let modBot: TestViewer;
  let viewer: Page;
  let moderator: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTEFACTS, { recursive: true });
    [stack, browser] = await Promise.all([startWatchStack(ROOM), launchWatchBrowser()]);
    publisher = publishTestStream({ url: stack.rtmpUrl, durationS: 30, size: '320x180' });
    const ws = `${stack.chatBase.replace('http:', 'ws:')}/ws?room=${ROOM}`;
    const [posterToken, modToken] = await Promise.all([
      issueToken(WATCH_STACK_JWT_SECRET, { userId: 'poster-1', name: 'poster', roles: ['viewer'] }, 600_000),
      issueToken(WATCH_STACK_JWT_SECRET, { userId: 'mod-bot', name: 'modbot', roles: ['moderator'] }, 600_000),
    ]);
    [poster, modBot] = await Promise.all([openViewer(ws, { token: posterToken }), openViewer(ws, { token: modToken })]);
    const open = (): Promise<Page> => openWatchPage(browser, `${stack.relayBase}/watch/${ROOM}`, pageErrors);
    [viewer, moderator] = await Promise.all([open(), open()]);
    // The moderator signs in with the development sign-in's moderator role; the viewer stays a reader.
    await devSignIn(moderator, 'mara', 'moderator');
    await moderator.waitForSelector('#mod-tools:not([hidden])', { timeout: 10_000 });
  }, 90_000);

  afterAll(async () => {
    poster?.close();
    modBot?.close();
    await publisher?.stop();
    await browser?.close();
    await stack?.stop();
  }, 30_000);

  it('deletes a message for every viewer from its delete button', async () => {
    const text = `delete me ${Date.now()}`;
    poster.send({ type: 'message', text });
    await until(async () => (await listTexts(viewer, '#chat-list')).includes(text), 'the message on the viewer page');
    await until(
      async () => (await listTexts(moderator, '#chat-list')).includes(text),
      'the message on the moderator page',
    );
    expect(await viewer.$$('#chat-list .mod button')).toHaveLength(0);
    const item = moderator.locator('#chat-list li', { hasText: text });
    expect(await item.locator('.mod button').allTextContents()).toEqual(['Delete', 'Timeout', 'Ban']);
    await moderator.screenshot({ path: join(ARTEFACTS, 'moderator.png') });

    const clickedAt = Date.now();
    await item.locator('.mod-delete').click();
    await until(async () => !(await listTexts(viewer, '#chat-list')).includes(text), 'the message gone for the viewer');
    console.log(`watch moderation: deleted message gone for the viewer ${Date.now() - clickedAt} ms after the click`);
    await until(async () => !(await listTexts(moderator, '#chat-list')).includes(text), 'gone for the moderator');
  }, 30_000);

  it('times a user out and shows a refusal typed by the server', async () => {
    const text = `time me out ${Date.now()}`;
    poster.send({ type: 'message', text });
    const item = moderator.locator('#chat-list li', { hasText: text });
    await item.waitFor({ timeout: 5000 });
    await item.locator('.mod-timeout').click();
    await until(async () => (await statusText(moderator)).includes('chat: timeout done'), 'timeout confirmed');
    poster.send({ type: 'message', text: 'while timed out' });
    const refused = await poster.next((f) => f.type === 'error' && f.code === 'BANNED');
    expect(refused.untilMs).toBeGreaterThan(Date.now() + 500_000);

    // A moderator may not ban another moderator: the page shows the server's PERMISSION_DENIED.
    const modText = `from the mod bot ${Date.now()}`;
    modBot.send({ type: 'message', text: modText });
    const modItem = moderator.locator('#chat-list li', { hasText: modText });
    await modItem.waitFor({ timeout: 5000 });
    await modItem.locator('.mod-ban').click();
    const status = await until(async () => {
      const s = await statusText(moderator);
      return s.includes('chat: PERMISSION_DENIED') && s;
    }, 'the refusal shown');
    console.log(`watch moderation: status line "${status}"`);
    modBot.send({ type: 'moderate', action: 'unban', userId: 'poster-1', key: 'unban-1' });
    await modBot.next((f) => f.type === 'moderated' && f.key === 'unban-1');
  }, 30_000);

  it('lists a held post for the moderator, and approving it delivers it to the viewer', async () => {
    modBot.send({ type: 'moderate', action: 'block_term', term: 'holdme', termAction: 'hold', key: 'term-1' });
    await modBot.next((f) => f.type === 'moderated' && f.key === 'term-1');
    const text = `please holdme ${Date.now()}`;
    poster.send({ type: 'message', text });
    await poster.next((f) => f.type === 'error' && f.code === 'HELD_FOR_REVIEW');
    await until(async () => (await listTexts(moderator, '#held-list')).includes(text), 'the held post listed');
    expect(await listTexts(viewer, '#chat-list')).not.toContain(text);
    expect(await viewer.isHidden('#mod-tools')).toBe(true);
    await moderator.screenshot({ path: join(ARTEFACTS, 'moderator-held.png') });

    await moderator.locator('#held-list li', { hasText: text }).locator('.mod-approve').click();
    await until(
      async () => (await listTexts(viewer, '#chat-list')).includes(text),
      'the approved post on the viewer page',
    );
    await until(async () => !(await listTexts(moderator, '#held-list')).includes(text), 'the held list emptied');

    const denied = `denied holdme ${Date.now()}`;
    poster.send({ type: 'message', text: denied });
    const deny = moderator.locator('#held-list li', { hasText: denied }).locator('.mod-deny');
    await deny.click({ timeout: 5000 });
    await until(async () => !(await listTexts(moderator, '#held-list')).includes(denied), 'the denied post removed');
    await new Promise((r) => setTimeout(r, 300));
    expect(await listTexts(viewer, '#chat-list')).not.toContain(denied);
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
