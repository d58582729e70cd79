import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLiveEntry, LIVE_BUCKET, type LiveEntry } from '@onair/contracts';
import { call, createClient } from '@onair/grpc-kit';
import { onair, type media, type rooms } from '@onair/proto';
import {
  publishTestStream,
  startNatsFixture,
  startService,
  waitFor,
  type NatsFixture,
  type TestProcess,
  type TestService,
} from '@onair/testing';

const ROOM = 'anchored';
/** How long the first publisher publishes before it is killed, and the second one's length, ms. */
const FIRST_MS = 6000;
const SECOND_S = 5;
/** The wall-clock gap between the kill and the second publisher, ms: what the recording does not hold. */
const GAP_MS = 1500;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What a MediaService subscriber saw of the source rendition, with when each event arrived (unix epoch ms). */
interface Seen {
  readonly event: media.SubscribeResponse__Output;
  readonly atMs: number;
}

/**
 * The built ingest (dist/main.js) on a real nats-server: a publisher killed and replaced inside the grace period
 * leaves a timeline anchor in the room's live entry, written before the new publisher's first part, that ties the
 * program date-time of the new media to the source rendition's media before the discontinuity (the recording's
 * EXTINF sum there).
 */
describe('ingest: the live entry of a publish continued after a reconnect', () => {
  let nats: NatsFixture;
  let ingest: TestService;
  let roomsClient: rooms.RoomsServiceClient;
  let mediaClient: media.MediaServiceClient;
  const publishers: TestProcess[] = [];

  beforeAll(async () => {
    nats = await startNatsFixture();
    ingest = await startService('ingest', {
      INGEST_NATS_URL: nats.nats.url,
      INGEST_HOST: '127.0.0.1',
      INGEST_RTMP_PORT: '0',
      INGEST_GRPC_PORT: '0',
      INGEST_HTTP_PORT: '0',
      INGEST_LADDER: 'source,240p=426x240@300k',
      INGEST_RECONNECT_GRACE_MS: '10000',
    });
    const address = `127.0.0.1:${ingest.port('grpcPort')}`;
    roomsClient = createClient(onair().rooms.v1.RoomsService, address);
    mediaClient = createClient(onair().media.v1.MediaService, address);
  });

  afterAll(async () => {
    roomsClient?.close();
    mediaClient?.close();
    await Promise.all(publishers.map((p) => p.stop()));
    await ingest?.stop();
    await nats?.stop();
  });

  it('carries an anchor at the source media written before the discontinuity, ahead of the new media', async () => {
    const { streamKey } = await call<rooms.CreateRoomResponse__Output>((cb) =>
      roomsClient.CreateRoom({ id: ROOM, title: ROOM }, cb),
    );
    const publish = (durationS: number): TestProcess => {
      const p = publishTestStream({
        url: `rtmp://127.0.0.1:${ingest.port('rtmpPort')}/live/${streamKey}`,
        size: '640x360',
        durationS,
      });
      publishers.push(p);
      return p;
    };
    const entries: Array<{ entry: LiveEntry | undefined; atMs: number }> = [];
    const kv = await nats.kvm.open(LIVE_BUCKET);
    const watch = await kv.watch({ key: ROOM });
    void (async () => {
      for await (const e of watch)
        entries.push({ entry: e.operation === 'PUT' ? decodeLiveEntry(e.string()) : undefined, atMs: Date.now() });
    })();

    const first = publish(60);
    await waitFor(
      async () =>
        (await call<media.ListLiveStreamsResponse__Output>((cb) => mediaClient.ListLiveStreams({}, cb))).streams.some(
          (s) => s.room === ROOM,
        ),
      { timeoutMs: 20_000, what: 'the publish to go live' },
    );
    const seen: Seen[] = [];
    const sub = mediaClient.Subscribe({ room: ROOM });
    sub.on('data', (event: media.SubscribeResponse__Output) => seen.push({ event, atMs: Date.now() }));
    sub.on('error', () => undefined);
    await sleep(FIRST_MS);
    first.child.kill('SIGKILL');
    await first.exited;
    await sleep(GAP_MS);
    const second = publish(SECOND_S);
    const isGap = (s: Seen): boolean => s.event.discontinuity?.rendition === 'source';
    await waitFor(() => seen.slice(seen.findIndex(isGap)).some((s) => s.event.part?.rendition === 'source'), {
      timeoutMs: 15_000,
      what: "the second publisher's first source part",
    });
    expect(await second.exited).toBe(0);
    sub.cancel();
    watch.stop();

    const partTargetMs = seen.find((s) => s.event.streamStarted)?.event.streamStarted?.partTargetMs ?? 0;
    const gapAt = seen.findIndex(isGap);
    const before = seen.slice(0, gapAt);
    const recordedMs = before.reduce(
      (ms, s) => (s.event.segmentEnd?.rendition === 'source' ? ms + s.event.segmentEnd.durationMs : ms),
      0,
    );
    const firstAfter = seen.slice(gapAt).find((s) => s.event.part?.rendition === 'source');
    const anchored = entries.find((e) => (e.entry?.anchors?.length ?? 0) > 0);
    const anchor = anchored?.entry?.anchors?.[0];
    const lastBefore = before.filter((s) => s.event.part?.rendition === 'source').at(-1)?.event.part;
    console.info(
      `anchor ${JSON.stringify(anchor)}: ${recordedMs} ms of source before the discontinuity; the new media at ` +
        `${firstAfter?.event.part?.programDateTimeMs}, the old one ended at ` +
        `${Number(lastBefore?.programDateTimeMs) + Number(lastBefore?.durationMs)}; entry seen at ${anchored?.atMs}, ` +
        `first new part at ${firstAfter?.atMs}`,
    );
    expect(partTargetMs).toBeGreaterThan(0);
    expect(recordedMs).toBeGreaterThan(FIRST_MS - 2000);
    expect(anchor).toBeDefined();
    expect(anchored?.entry?.anchors).toHaveLength(1);
    expect(Math.abs(anchor!.streamTimeMs - recordedMs)).toBeLessThanOrEqual(partTargetMs);
    expect(Math.abs(anchor!.atMs - Number(firstAfter?.event.part?.programDateTimeMs))).toBeLessThanOrEqual(
      partTargetMs,
    );
    // The wall clock jumped by the reconnect: the gap is on the live timeline and off the recording's.
    expect(anchor!.atMs - anchored!.entry!.startedAtMs - anchor!.streamTimeMs).toBeGreaterThanOrEqual(GAP_MS);
    // Written before the new publisher's media was taken: seen by a watcher before its first part.
    expect(anchored!.atMs).toBeLessThanOrEqual(firstAfter!.atMs);
    expect(ingest.logs().some((l) => l.msg === 'publish continued' && l.replaced === false)).toBe(true);
  }, 60_000);
});
