import { publishTestStream, waitFor, type TestProcess } from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playInHlsJs } from './hls-player.js';
import { waitForLadder } from './hls-waits.js';
import { startMediaStack, type MediaStack } from './media-stack.js';
import { startTcpCutter, type TcpCutter } from './tcp-cutter.js';

const ROOM = 'reconnect-room';
const LOOPBACK = '127.0.0.1';

describe('a publisher whose connection drops and who publishes again within the grace period', () => {
  let stack: MediaStack;
  let cutter: TcpCutter;
  const publishers: TestProcess[] = [];
  const hls = (path: string): string => stack.hls(path);

  beforeAll(async () => {
    stack = await startMediaStack(ROOM, 'source,240p=426x240@300k');
    cutter = await startTcpCutter(stack.ingest.port('rtmpPort'));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    await cutter?.close();
    await stack?.stop();
  }, 30_000);

  it('keeps hls.js playing across it, the playlist carrying one discontinuity', async () => {
    const publish = (): TestProcess => {
      const p = publishTestStream({
        url: `rtmp://${LOOPBACK}:${cutter.port}/live/${stack.streamKey}`,
        size: '640x360',
        durationS: 60,
      });
      publishers.push(p);
      return p;
    };
    const first = publish();
    await waitForLadder(hls('master.m3u8'), 20_000, ['source', '240p']);
    const playing = playInHlsJs([hls('master.m3u8')], { minSeconds: 20, timeoutMs: 60_000, lowLatency: true });
    await new Promise((resolve) => setTimeout(resolve, 8000));

    cutter.cut();
    expect(await first.exited).not.toBe(0);
    publish();
    for (const rendition of ['source', '240p']) {
      const playlist = await waitFor(
        async () => {
          const text = await (await fetch(hls(`${rendition}/index.m3u8`))).text();
          return text.includes('#EXT-X-DISCONTINUITY\n') ? text : undefined;
        },
        { timeoutMs: 15_000, what: `a discontinuity in ${rendition}` },
      );
      expect(playlist.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
      expect(playlist).not.toContain('#EXT-X-ENDLIST');
    }

    const [report] = await playing;
    console.info(
      `reconnect: played ${report?.played.toFixed(1)} s, ${report?.stalls} stalls (${report?.stallLog.join('; ')}), ` +
        `fatal errors ${report?.fatalErrors.length}`,
    );
    expect(report?.fatalErrors).toEqual([]);
    expect(report?.played).toBeGreaterThanOrEqual(20);
    // The player holds back about a second (PART-HOLD-BACK) and the new encoder needs a moment to start: it may
    // wait once for the new publisher's first part, at one place, and must play on from there without another.
    const stallAt = report?.stallAt ?? [];
    const [firstStall, lastStall] = [Math.min(...stallAt), Math.max(...stallAt)];
    if (stallAt.length > 0) {
      expect(lastStall - firstStall).toBeLessThanOrEqual(1);
      expect((report?.currentTime ?? 0) - lastStall).toBeGreaterThanOrEqual(8);
    }
    expect(stack.ingest.logs().some((l) => l.msg === 'publish continued' && l.replaced === false)).toBe(true);
    expect(stack.ingest.logs().some((l) => l.msg === 'publish ended')).toBe(false);
  }, 90_000);
});
