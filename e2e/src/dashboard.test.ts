import { mkdir } from 'node:fs/promises';
import { Metadata } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createClient } from '@onair/grpc-kit';
import { onair } from '@onair/proto';
import {
  publishTestStream,
  REPO_ROOT,
  startMonitoring,
  startService,
  type TestProcess,
  type TestService,
} from '@onair/testing';
import { startMediaStack, type MediaStack } from './media-stack.js';

const ROOM = 'dashboard-room';
const LOOPBACK = '127.0.0.1';
/** MONITORING_ADMIN_TOKEN of the monitoring under test, typed into the page by the operator. */
const ADMIN_TOKEN = 'dashboard-admin-token-7c1e52';
/** CHAT_SERVICE_TOKEN of the chat service, and the token monitoring reads its moderation actions with. */
const CHAT_TOKEN = 'dashboard-chat-service-token-3a91d0';
/** How often monitoring reads the moderation actions here, ms. */
const MODERATION_POLL_MS = 500;
/** Screenshots of the dashboard, kept after the run (gitignored). */
const ARTEFACTS = join(REPO_ROOT, 'test-artifacts', 'dashboard');

/** Opens the dashboard and waits for its event stream; records when the room's card first appears (page clock). */
async function openDashboard(browser: Browser, url: string, problems: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(url);
  await page.waitForSelector('body[data-connected="true"]', { timeout: 10_000 });
  await page.evaluate((room) => {
    const seen = window as unknown as { roomShownAtMs?: number };
    const look = (): void => {
      if (seen.roomShownAtMs === undefined && document.querySelector(`section.stream[data-room="${room}"]`))
        seen.roomShownAtMs = Date.now();
    };
    new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
    look();
  }, ROOM);
  return page;
}

/** The fewest points drawn by the sparklines of the room's card. */
const fewestPoints = (page: Page): Promise<number> =>
  page.$$eval(`section.stream[data-room="${ROOM}"] svg.spark`, (svgs) =>
    Math.min(...svgs.map((s) => Number((s as SVGSVGElement).dataset.points))),
  );

describe('the ops dashboard in Chromium, pushed over Server-Sent Events', () => {
  let stack: MediaStack;
  let chat: TestService;
  let monitoring: TestService;
  /** The room's stream key: the stack's, until the admin test rotates it. */
  let streamKey: string;
  let browser: Browser;
  let publisher: TestProcess | undefined;
  let dashboardUrl: string;
  const problems: string[] = [];

  beforeAll(async () => {
    stack = await startMediaStack(ROOM, 'source');
    streamKey = stack.streamKey;
    chat = await startService('chat', {
      CHAT_NATS_URL: stack.nats.url,
      CHAT_JWT_SECRET: 'dashboard-chat-jwt-secret-0123456789abcdef',
      CHAT_SERVICE_TOKEN: CHAT_TOKEN,
      CHAT_HOST: LOOPBACK,
      CHAT_HTTP_PORT: '0',
      CHAT_GRPC_PORT: '0',
    });
    monitoring = await startMonitoring(
      [
        `ingest=${LOOPBACK}:${stack.ingest.port('grpcPort')}`,
        `relay=${LOOPBACK}:${stack.origin.port('grpcPort')}`,
        `chat=${LOOPBACK}:${chat.port('grpcPort')}`,
      ],
      {
        MONITORING_CHAT_SERVICE_TOKEN: CHAT_TOKEN,
        MONITORING_MODERATION_POLL_MS: String(MODERATION_POLL_MS),
        MONITORING_POLL_MS: '500',
        MONITORING_SSE_MAX_CLIENTS: '2',
        MONITORING_RELAY_URL: `http://${LOOPBACK}:${stack.origin.port('httpPort')}`,
        MONITORING_ALERT_RULES: '{"stream_stalled":{"threshold":2000,"forMs":1000}}',
        MONITORING_ADMIN_TOKEN: ADMIN_TOKEN,
      },
      30_000,
    );
    dashboardUrl = `http://${LOOPBACK}:${monitoring.port('httpPort')}/`;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    await mkdir(ARTEFACTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await publisher?.stop();
    await browser?.close();
    await monitoring?.stop();
    await chat?.stop();
    await stack?.stop();
  });

  it('shows a stream within 2 s of its start without a reload, with sparklines, and a new page draws them at once', async () => {
    const page = await openDashboard(browser, dashboardUrl, problems);
    let navigations = 0;
    page.on('framenavigated', () => (navigations += 1));
    expect(await page.textContent('#streams')).toContain('No live streams.');

    publisher = publishTestStream({
      url: `rtmp://${LOOPBACK}:${stack.ingest.port('rtmpPort')}/live/${stack.streamKey}`,
      durationS: 60,
      size: '640x360',
    });
    await page.waitForSelector(`section.stream[data-room="${ROOM}"]`, { timeout: 15_000 });
    const status = (await (await fetch(`${dashboardUrl}api/status`)).json()) as {
      streams: Array<{ room: string; publishStartedAtMs: number }>;
    };
    const startedAtMs = status.streams.find((s) => s.room === ROOM)?.publishStartedAtMs ?? Number.NaN;
    const shownAtMs = await page.evaluate(() => (window as unknown as { roomShownAtMs: number }).roomShownAtMs);
    const delayMs = shownAtMs - startedAtMs;
    console.log(`dashboard showed ${ROOM} ${delayMs} ms after its publish started (ingest's publishStartedAtMs)`);
    expect(delayMs).toBeGreaterThanOrEqual(0);
    expect(delayMs).toBeLessThan(2000);
    expect(navigations).toBe(0);

    const card = page.locator(`section.stream[data-room="${ROOM}"]`);
    await expect.poll(() => fewestPoints(page), { timeout: 10_000, interval: 250 }).toBeGreaterThanOrEqual(4);
    expect(await card.locator('svg.spark polyline').first().getAttribute('points')).toMatch(/^[\d.]+,[\d.]+( |$)/);
    expect(await card.locator('table.renditions tbody tr').first().textContent()).toContain('640×360');
    await expect.poll(() => card.locator('.ingest tbody').textContent(), { timeout: 10_000 }).toMatch(/\d s/);
    const thumbnail = card.locator('.thumbnail img');
    await thumbnail.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(320);
    // Columns: rendition, resolution, viewers, its sparkline, fps, its sparkline, bit rate, ...
    const cells = card.locator('table.renditions tbody tr').first().locator('td');
    await expect.poll(() => cells.nth(6).textContent(), { timeout: 15_000 }).toMatch(/^[1-9][\d,]* kbit\/s$/);
    // One HLS viewer of the source rendition, counted by the relay and summed by monitoring.
    await fetch(stack.hls('source/index.m3u8'), { headers: { 'user-agent': 'dashboard-test-viewer' } });
    await expect.poll(() => cells.nth(2).textContent(), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => fewestPoints(page), { timeout: 10_000, interval: 250 }).toBeGreaterThanOrEqual(10);
    await page.screenshot({ path: join(ARTEFACTS, 'dashboard-live.png'), fullPage: true });

    const drawn = await fewestPoints(page);
    const second = await openDashboard(browser, dashboardUrl, problems);
    await second.waitForSelector(`section.stream[data-room="${ROOM}"]`, { timeout: 5000 });
    expect(await fewestPoints(second)).toBeGreaterThanOrEqual(drawn);
    await second.close();

    expect(await page.textContent('#services-summary')).toBe('4 of 4 serving');
    await page.waitForSelector('#alerts-panel', { state: 'visible', timeout: 5000 });
    expect(await page.textContent('#alerts-summary')).toBe('0 firing');
    expect(problems.filter((p) => !/404 \(Not Found\)/.test(p))).toEqual([]);
    await page.close();
  }, 90_000);

  it('shows "stream stalled" pushed to the open page when the publisher freezes, then its end', async () => {
    const page = await openDashboard(browser, dashboardUrl, problems);
    await page.waitForSelector(`section.stream[data-room="${ROOM}"]`, { timeout: 5000 });
    publisher?.child.kill('SIGSTOP');
    try {
      const row = page.locator('#alerts tr', { hasText: 'stream_stalled' });
      await row.waitFor({ timeout: 15_000 });
      expect(await row.textContent()).toContain(`room=${ROOM}`);
      expect(await page.textContent('#alerts-summary')).toBe('1 firing');
      await page.screenshot({ path: join(ARTEFACTS, 'dashboard-stalled.png'), fullPage: true });
    } finally {
      publisher?.child.kill('SIGCONT');
    }
    await page
      .locator('#alerts-history li', { hasText: 'stream_stalled' })
      .waitFor({ state: 'attached', timeout: 15_000 });
    expect(await page.textContent('#alerts-summary')).toBe('0 firing');
    await page.close();
  }, 40_000);

  it('drops the stream without a reload when the publisher stops', async () => {
    const page = await openDashboard(browser, dashboardUrl, problems);
    await page.waitForSelector(`section.stream[data-room="${ROOM}"]`, { timeout: 5000 });
    await publisher?.stop();
    publisher = undefined;
    await page.waitForSelector(`section.stream[data-room="${ROOM}"]`, { state: 'detached', timeout: 20_000 });
    expect(await page.textContent('#streams')).toContain('No live streams.');
    await page.screenshot({ path: join(ARTEFACTS, 'dashboard-ended.png'), fullPage: true });
    await page.close();
  }, 30_000);

  it('reconnects by itself when refused for too many streams, once one closes', async () => {
    const [first, second] = [
      await openDashboard(browser, dashboardUrl, []),
      await openDashboard(browser, dashboardUrl, []),
    ];
    const third = await browser.newPage();
    await third.goto(dashboardUrl);
    await third.waitForSelector('body[data-connected="false"]', { timeout: 10_000 });
    expect(await third.textContent('#banner')).toMatch(/Lost \/api\/events.*reconnecting/);
    await first.close();
    await third.waitForSelector('body[data-connected="true"]', { timeout: 15_000 });
    expect(await third.isHidden('#banner')).toBe(true);
    await Promise.all([second.close(), third.close()]);
  }, 40_000);

  it('lets the operator rotate the key and end a publish with the admin token, and shows refusals', async () => {
    const page = await openDashboard(browser, dashboardUrl, problems);
    const questions: string[] = [];
    page.on('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.accept();
    });
    const rtmp = (key: string): string => `rtmp://${LOOPBACK}:${stack.ingest.port('rtmpPort')}/live/${key}`;
    publisher = publishTestStream({ url: rtmp(stack.streamKey), durationS: 60, size: '640x360' });
    const card = page.locator(`section.stream[data-room="${ROOM}"]`);
    await card.waitFor({ timeout: 15_000 });
    const result = page.locator('#admin-result');

    await card.locator('button[data-action="end"]').click();
    await expect.poll(() => result.textContent(), { timeout: 5000 }).toContain('401');
    expect(await result.getAttribute('class')).toContain('error');

    await page.fill('#admin-token', 'not-the-token');
    await page.press('#admin-token', 'Enter');
    await card.locator('button[data-action="record-on"]').click();
    await expect.poll(() => result.textContent(), { timeout: 5000 }).toContain('403: wrong MONITORING_ADMIN_TOKEN');

    await page.fill('#admin-token', ADMIN_TOKEN);
    await page.click('#admin-form button[type="submit"]');
    expect(await page.inputValue('#admin-token')).toBe('');
    expect(page.url()).not.toContain(ADMIN_TOKEN);
    await card.locator('button[data-action="rotate-key"]').click();
    const key = result.locator('.stream-key');
    await key.waitFor({ timeout: 10_000 });
    const newKey = (await key.textContent()) ?? '';
    streamKey = newKey;
    expect(newKey).toMatch(/\S{16,}/);
    expect(newKey).not.toBe(stack.streamKey);
    expect(await result.textContent()).toContain('shown this once');
    await page.screenshot({ path: join(ARTEFACTS, 'dashboard-admin.png'), fullPage: true });

    const live = publisher;
    await card.locator('button[data-action="end"]').click();
    const exitedIn = await Promise.race([live.exited.then(() => true), sleep(10_000).then(() => false)]);
    expect(exitedIn).toBe(true);
    await card.waitFor({ state: 'detached', timeout: 10_000 });
    expect(await result.textContent()).toContain(`${ROOM}: publish ended.`);
    expect(questions.map((q) => q.split('?')[0])).toEqual([
      `End the live publish of ${ROOM} now`,
      `Rotate the stream key of ${ROOM}`,
      `End the live publish of ${ROOM} now`,
    ]);

    const stale = publishTestStream({ url: rtmp(stack.streamKey), durationS: 30, size: '640x360' });
    const staleExited = await Promise.race([stale.exited.then(() => true), sleep(10_000).then(() => false)]);
    await stale.stop();
    expect(staleExited).toBe(true);
    expect(await page.textContent('#streams')).toContain('No live streams.');

    publisher = publishTestStream({ url: rtmp(newKey), durationS: 30, size: '640x360' });
    await card.waitFor({ timeout: 15_000 });
    await publisher.stop();
    publisher = undefined;
    expect(problems.filter((p) => !/40[134] \(/.test(p))).toEqual([]);
    await page.close();
  }, 60_000);

  it("pushes a moderator's action and the record toggle to the open page, without a reload", async () => {
    const page = await openDashboard(browser, dashboardUrl, problems);
    let navigations = 0;
    page.on('framenavigated', () => (navigations += 1));
    await page.fill('#admin-token', ADMIN_TOKEN);
    await page.press('#admin-token', 'Enter');
    const url = `rtmp://${LOOPBACK}:${stack.ingest.port('rtmpPort')}/live/${streamKey}`;
    publisher = publishTestStream({ url, durationS: 60, size: '640x360' });
    const card = page.locator(`section.stream[data-room="${ROOM}"]`);
    await card.waitFor({ timeout: 15_000 });

    // The record state: the setting flips on the card after the toggle, the live publish keeps its own.
    const state = card.locator('.record-state[data-next]');
    await state.waitFor({ timeout: 10_000 });
    const before = await state.getAttribute('data-next');
    const recording = await state.getAttribute('data-recording');
    const toggle = before === 'true' ? 'record-off' : 'record-on';
    const toggledAtMs = Date.now();
    await card.locator(`button[data-action="${toggle}"]`).click();
    const want = String(before !== 'true');
    await page.waitForSelector(`section.stream[data-room="${ROOM}"] .record-state[data-next="${want}"]`, {
      timeout: 10_000,
    });
    const recordMs = Date.now() - toggledAtMs;
    console.log(`dashboard showed the record toggle ${recordMs} ms after the click`);
    expect(recordMs).toBeLessThan(5000);
    expect(await card.locator('.record-state').getAttribute('data-recording')).toBe(recording);
    expect(await card.locator('.record-state').textContent()).toContain(
      `next publish: record ${want === 'true' ? 'on' : 'off'}`,
    );

    // A moderator's timeout through chat's ModerationService, with a reason that looks like HTML.
    const reason = '<img src=x onerror="document.title=1">spam';
    const moderation = createClient(onair().moderation.v1.ModerationService, `${LOOPBACK}:${chat.port('grpcPort')}`);
    const md = new Metadata();
    md.set('authorization', `Bearer ${CHAT_TOKEN}`);
    const actedAtMs = Date.now();
    try {
      await call((cb) =>
        moderation.Moderate(
          { room: ROOM, action: { timeout: { userId: 'u-1842', seconds: 600 } }, reason, actor: { name: 'Dana' } },
          md,
          cb,
        ),
      );
    } finally {
      moderation.close();
    }
    const row = page.locator(`#moderation tr[data-room="${ROOM}"][data-action="timeout"]`);
    await row.waitFor({ timeout: 15_000 });
    const moderationMs = Date.now() - actedAtMs;
    console.log(
      `dashboard showed the moderator's timeout ${moderationMs} ms after Moderate (poll ${MODERATION_POLL_MS} ms)`,
    );
    expect(moderationMs).toBeLessThan(MODERATION_POLL_MS + 5000);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(1)).toEqual([ROOM, 'chat', 'timeout 600 s', 'Dana', 'u-1842', reason]);
    expect(await page.locator('#moderation img').count()).toBe(0);
    expect(await page.textContent('#moderation-summary')).toBe('1 recent');
    expect(navigations).toBe(0);
    await page.screenshot({ path: join(ARTEFACTS, 'dashboard-moderation.png'), fullPage: true });

    await publisher.stop();
    publisher = undefined;
    expect(problems.filter((p) => !/40[134] \(/.test(p))).toEqual([]);
    await page.close();
  }, 60_000);
});
