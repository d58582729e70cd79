import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { call, createClient } from '@onair/grpc-kit';
import { onair, type danmaku } from '@onair/proto';
import { issueToken } from '@onair/realtime';
import { publishTestStream, REPO_ROOT, waitFor, type TestProcess } from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayerBrowser, type PlayerBrowser, type PlayerReport } from './player-pages.js';
import { RECORDED_STACK_JWT_SECRET, startRecordedStack, type RecordedStack } from './recorded-stack.js';

const ROOM = 'players-room';
const PUBLISH_S = 12;
/** Screenshots of the players showing danmaku, kept after the run (gitignored). */
const ARTEFACTS = join(REPO_ROOT, 'test-artifacts', 'players');

/** Danmaku posted over gRPC with a playhead, at known stream times in the first seconds of the publish. */
const TIMED = [
  { text: 'top at 1.0 s', mode: 'MODE_TOP', color: '#ff4040', atMs: 1000 },
  { text: 'scroll at 1.5 s', mode: 'MODE_SCROLL', color: '#ffffff', atMs: 1500 },
  { text: 'bottom at 2.5 s', mode: 'MODE_BOTTOM', color: '#40ff40', atMs: 2500 },
] as const;
const TEXTS = TIMED.map((d) => d.text);

describe('DPlayer and ArtPlayer in Chromium play a recording with its danmaku', () => {
  let stack: RecordedStack;
  let browser: PlayerBrowser;
  let publisher: TestProcess;
  let client: danmaku.DanmakuServiceClient;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startRecordedStack(ROOM), startPlayerBrowser()]);
    client = createClient(onair().danmaku.v1.DanmakuService, stack.danmakuGrpc);
    publisher = publishTestStream({ url: stack.rtmpUrl, durationS: PUBLISH_S, size: '640x360' });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await publisher?.stop();
    await browser?.close();
    await stack?.stop();
  }, 30_000);

  const post = (req: danmaku.PostDanmakuRequest): Promise<danmaku.PostDanmakuResponse__Output> =>
    call((cb) => client.PostDanmaku(req, cb));

  it('shows the danmaku at their stream times on the VOD, and a stock DPlayer posts with its token', async () => {
    // Live: the publish and its start, from a danmaku posted at the live edge (stream time = playhead - start).
    const live = await waitFor(
      async () => {
        const playheadMs = Date.now();
        const { danmaku: d } = await post({ room: ROOM, name: 'bot', text: 'at the live edge', playheadMs });
        return !!d?.publishId && { publishId: d.publishId, startedAtMs: playheadMs - Number(d.streamTimeMs) };
      },
      { what: 'the danmaku service to see the publish', timeoutMs: 20_000, intervalMs: 300 },
    );
    // A playhead ahead of the live edge is not believed: post once the stream is past the last one.
    await new Promise((r) => setTimeout(r, Math.max(0, live.startedAtMs + 3000 - Date.now())));
    for (const d of TIMED) {
      const { danmaku: posted } = await post({
        room: ROOM,
        name: 'bot',
        text: d.text,
        mode: d.mode,
        color: d.color,
        playheadMs: live.startedAtMs + d.atMs,
      });
      expect(posted).toMatchObject({ publishId: live.publishId, streamTimeMs: d.atMs });
    }

    // DPlayer on the live stream posts through its own danmaku.send, cross-origin, the token in the body as it puts it.
    const id = `${ROOM}.${live.publishId}`;
    const api = `${stack.danmakuBase}/dplayer/`;
    const token = await issueToken(
      RECORDED_STACK_JWT_SECRET,
      { userId: 'viewer-1', name: 'viewer', roles: ['viewer'] },
      600_000,
    );
    const livePage = await browser.dplayer({ src: `${stack.relayBase}/hls/${ROOM}/master.m3u8`, api, id, token });
    const playing = await livePage.until((r) => r.currentTime > 0.5 || r.errors.length > 0, 10_000);
    expect(playing.errors).toEqual([]);
    await livePage.page.evaluate(() => {
      const dp = (window as unknown as { dp: { danmaku: { send(d: object): void } } }).dp;
      dp.danmaku.send({ text: 'sent from DPlayer', color: 0xffcc00, type: 0 });
    });
    const sent = await livePage.until((r) => r.sent.length > 0, 5000);
    expect(sent.sent).toEqual([{ code: 0, data: [expect.any(Number), 0, 0xffcc00, 'viewer', 'sent from DPlayer'] }]);
    await livePage.page.close();

    // VOD: once the publish ended and its recording is finished.
    expect(await publisher.exited).toBe(0);
    await waitFor(
      async () => {
        const list = (await (await fetch(`${stack.relayBase}/api/recordings?room=${ROOM}`)).json()) as Array<{
          publishId: string;
          durationMs: number | null;
        }>;
        return list.some((r) => r.publishId === live.publishId && r.durationMs !== null);
      },
      { what: 'the recording to be finished', timeoutMs: 15_000 },
    );
    const replay = (await (await fetch(`${api}v3/?id=${id}`)).json()) as { data: unknown[][] };
    expect(replay.data.map((d) => d[4])).toContain('sent from DPlayer');

    const src = `${stack.relayBase}/vod/${ROOM}/${live.publishId}/master.m3u8`;
    const danmuku = `${stack.danmakuBase}/api/rooms/${ROOM}/danmaku.artplayer.json?publish=${live.publishId}`;
    const pages = {
      dplayer: await browser.dplayer({ src, api, id }),
      artplayer: await browser.artplayer({ src, danmuku }),
    };
    const shown = (r: PlayerReport): boolean =>
      r.errors.length > 0 || (TEXTS.every((t) => r.seen.includes(t)) && r.currentTime > 3);
    await mkdir(ARTEFACTS, { recursive: true });
    for (const [name, page] of Object.entries(pages)) {
      const report = await page.until(shown, 15_000);
      await page.page.screenshot({ path: join(ARTEFACTS, `${name}.png`) });
      expect(report.errors, name).toEqual([]);
      expect(report.danmakuLoaded, name).toBe(true);
      expect(report.seen, name).toEqual(expect.arrayContaining(TEXTS));
      expect(report.currentTime, name).toBeGreaterThan(3);
      const later = await page.until((r) => r.currentTime > report.currentTime + 0.5, 3000);
      expect(later.currentTime, `${name} keeps playing`).toBeGreaterThan(report.currentTime);
    }
  }, 60_000);
});
