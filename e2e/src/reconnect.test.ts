import { call, createClient } from '@onair/grpc-kit';
import { onair } from '@onair/proto';
import {
  publishTestStream,
  startNats,
  startService,
  waitFor,
  type TestNats,
  type TestProcess,
  type TestService,
} from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playInHlsJs } from './hls-player.js';
import { waitForLadder } from './hls-waits.js';
import { startTcpCutter, type TcpCutter } from './tcp-cutter.js';

const ROOM = 'reconnect-room';
const LOOPBACK = '127.0.0.1';

describe('a publisher whose connection drops and who publishes again within the grace period', () => {
  let nats: TestNats;
  let ingest: TestService;
  let origin: TestService;
  let cutter: TcpCutter;
  let streamKey: string;
  const publishers: TestProcess[] = [];
  const hls = (path: string): string => `http://${LOOPBACK}:${origin.port('httpPort')}/hls/${ROOM}/${path}`;

  beforeAll(async () => {
    nats = await startNats();
    ingest = await startService(
      'ingest',
      {
        INGEST_HOST: LOOPBACK,
        INGEST_RTMP_PORT: '0',
        INGEST_GRPC_PORT: '0',
        INGEST_HTTP_PORT: '0',
        INGEST_NATS_URL: nats.url,
        INGEST_LADDER: 'source,240p=426x240@300k',
      },
      30_000,
    );
    origin = await startService(
      'relay',
      {
        RELAY_HOST: LOOPBACK,
        RELAY_HTTP_PORT: '0',
        RELAY_GRPC_PORT: '0',
        RELAY_UPSTREAM: `${LOOPBACK}:${ingest.port('grpcPort')}`,
        RELAY_UPSTREAM_POLL_MS: '300',
      },
      30_000,
    );
    const rooms = createClient(onair().rooms.v1.RoomsService, `${LOOPBACK}:${ingest.port('grpcPort')}`);
    streamKey = (await call<{ streamKey: string }>((cb) => rooms.CreateRoom({ id: ROOM, title: 'reconnect' }, cb)))
      .streamKey;
    rooms.close();
    cutter = await startTcpCutter(ingest.port('rtmpPort'));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    await cutter?.close();
    await origin?.stop();
    await ingest?.stop();
    await nats?.stop();
  }, 30_000);

  it('keeps hls.js playing across it, the playlist carrying one discontinuity', async () => {
    const publish = (): TestProcess => {
      const p = publishTestStream({
        url: `rtmp://${LOOPBACK}:${cutter.port}/live/${streamKey}`,
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
    expect(ingest.logs().some((l) => l.msg === 'publish continued' && l.replaced === false)).toBe(true);
    expect(ingest.logs().some((l) => l.msg === 'publish ended')).toBe(false);
  }, 90_000);
});
