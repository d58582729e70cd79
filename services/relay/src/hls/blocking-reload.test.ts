import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediaHub } from '@onair/media';
import { serveHls, type HlsAnswerRead, type HlsTestServer } from '../testing/hls-server.js';
import { llFeeder, LL_FIRST_MSN, LL_FIRST_PART, type LlFeeder } from '../testing/ll-feeder.js';
import { ViewerTracker } from '../viewers/viewer-tracker.js';
import { RoomStreams } from './room-streams.js';

const SOURCE = '/hls/demo/source/index.m3u8';
const LOW = '/hls/demo/480p/index.m3u8';
const M = LL_FIRST_MSN;

/** Blocking playlist reload and preload hints over real HTTP, on a hub fed 1 s segments of 250 ms parts. */
describe('blocking playlist reload and preload hints (rfc8216bis §6.2.5.2, §6.2.6)', () => {
  const servers: HlsTestServer[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function setup(renditions = ['source']): Promise<{
    get: (url: string) => Promise<HlsAnswerRead>;
    feed: LlFeeder;
    hub: MediaHub;
    holding: () => number;
  }> {
    const hub = new MediaHub({ windowSize: 6 });
    const streams = new RoomStreams(hub, { lingerMs: 60_000 });
    const server = await serveHls({ streams, viewers: new ViewerTracker() });
    servers.push(server);
    const feed = llFeeder(hub, { renditions });
    feed.start();
    for (const r of renditions) feed.init(r);
    const holding = (): number => {
      const stream = streams.get('demo');
      return stream ? streams.playlists(stream).held : 0;
    };
    return { get: (url) => server.get(url), feed, hub, holding };
  }

  /** Waits until `n` requests are held (so a test feeds only once they wait), on real or faked timers. */
  const heldBy = async (holding: () => number, n = 1): Promise<void> => {
    for (let i = 0; i < 1000 && holding() < n; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(holding()).toBeGreaterThanOrEqual(n);
  };

  it('holds a request for the next part until it is listed, and answers every waiter the same bytes', async () => {
    const { get, feed, holding } = await setup();
    feed.part('source');
    feed.part('source');
    const url = `${SOURCE}?_HLS_msn=${M}&_HLS_part=2`;
    const [a, b] = [get(url), get(url)];
    let answered = false;
    void a.then(() => (answered = true));
    await heldBy(holding, 2);
    expect(answered).toBe(false);
    feed.part('source');
    const [first, second] = await Promise.all([a, b]);
    expect(first.status).toBe(200);
    expect(first.body).toContain(`URI="part-${LL_FIRST_PART + 2}.m4s"`);
    expect(first.body).toContain(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-${LL_FIRST_PART + 3}.m4s"`);
    expect(second.body).toBe(first.body);
    expect(first.cache).toBe('public, max-age=6');
  });

  it('answers at once what the playlist already has, and a plain request as it is now', async () => {
    const { get, feed } = await setup();
    for (let i = 0; i < 6; i++) feed.part('source');
    expect((await get(`${SOURCE}?_HLS_msn=${M}&_HLS_part=1`)).status).toBe(200);
    expect((await get(`${SOURCE}?_HLS_msn=${M}`)).body).toContain(`seg-${M}.m4s`);
    const plain = await get(SOURCE);
    expect(plain).toMatchObject({ status: 200, cache: 'public, max-age=0' });
    expect(plain.body).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES');
  });

  it('treats a part index past a segment’s last part as part 0 of the next segment', async () => {
    const { get, feed, holding } = await setup();
    for (let i = 0; i < 4; i++) feed.part('source');
    const held = get(`${SOURCE}?_HLS_msn=${M}&_HLS_part=7`);
    await heldBy(holding);
    feed.part('source');
    expect((await held).body).toContain(`URI="part-${LL_FIRST_PART + 4}.m4s",INDEPENDENT=YES`);
  });

  it.each([
    ['a segment beyond the last plus two', `_HLS_msn=${M + 3}`, '_HLS_msn'],
    ['a part beyond the advance part limit', `_HLS_msn=${M}&_HLS_part=14`, '_HLS_msn'],
    ['_HLS_part without _HLS_msn', '_HLS_part=1', '_HLS_part'],
    ['a malformed _HLS_msn', '_HLS_msn=abc', '_HLS_msn'],
  ])('answers %s with 400 at once', async (_name, query, field) => {
    const { get, feed } = await setup();
    feed.part('source');
    const res = await get(`${SOURCE}?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'INVALID_ARGUMENT', field });
  });

  it('gives up after three target durations with 503', async () => {
    // Date too: the hold's deadline is read from the clock, and real time passing on a busy machine would shorten it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { get, feed, holding } = await setup();
    feed.part('source');
    const held = get(`${SOURCE}?_HLS_msn=${M}&_HLS_part=1`);
    await heldBy(holding);
    vi.advanceTimersByTime(2999);
    expect(holding()).toBe(1);
    vi.advanceTimersByTime(1);
    const res = await held;
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'UNAVAILABLE' });
  });

  it('holds a request on a rendition that lags another until that rendition has the part', async () => {
    const { get, feed, holding } = await setup(['source', '480p']);
    for (let i = 0; i < 3; i++) feed.part('source');
    feed.part('480p');
    const held = get(`${LOW}?_HLS_msn=${M}&_HLS_part=2`);
    let answered = false;
    void held.then(() => (answered = true));
    feed.part('480p');
    await heldBy(holding);
    expect(answered).toBe(false);
    feed.part('480p');
    const res = await held;
    expect(res.body).toContain(`URI="part-${LL_FIRST_PART + 2}.m4s"`);
    // The report names the other rendition's live edge.
    expect(res.body).toContain(`#EXT-X-RENDITION-REPORT:URI="../source/index.m3u8",LAST-MSN=${M},LAST-PART=2`);
  });

  it('wakes a held request across a discontinuity, with the new segment after it', async () => {
    const { get, feed, holding } = await setup();
    feed.part('source');
    const held = get(`${SOURCE}?_HLS_msn=${M + 1}&_HLS_part=0`);
    await heldBy(holding);
    feed.discontinuity('source');
    feed.init('source', 'init-restarted');
    feed.part('source');
    const res = await held;
    expect(res.status).toBe(200);
    expect(res.body).toMatch(
      /#EXTINF:0\.250,\nseg-100\.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-[0-9a-f]{16}\.mp4"/,
    );
  });

  it('answers requests held when the stream ends with the final playlist, and a hinted part with 404', async () => {
    const { get, feed, holding } = await setup();
    feed.part('source');
    const playlist = get(`${SOURCE}?_HLS_msn=${M}&_HLS_part=1`);
    const hinted = get(`/hls/demo/source/part-${LL_FIRST_PART + 1}.m4s`);
    await heldBy(holding, 2);
    feed.end();
    const [p, h] = await Promise.all([playlist, hinted]);
    expect(p.status).toBe(200);
    expect(p.body).toMatch(/#EXT-X-ENDLIST\n$/);
    expect(h.status).toBe(404);
  });

  it('goes on waiting on the new stream when the room’s stream is replaced while a request is held', async () => {
    const { get, feed, hub, holding } = await setup();
    feed.part('source');
    const held = get(`${SOURCE}?_HLS_msn=${M}&_HLS_part=1`);
    await heldBy(holding);
    // An upstream re-subscribe: the same publish replayed into a new stream of the room, then its next part.
    const replay = llFeeder(hub);
    replay.start();
    replay.init('source');
    replay.part('source');
    await heldBy(holding);
    replay.part('source');
    const res = await held;
    expect(res.status).toBe(200);
    expect(res.body).toContain(`URI="part-${LL_FIRST_PART + 1}.m4s"`);
    expect(res.body).not.toContain('#EXT-X-ENDLIST');
  });

  it('holds a request for the preload-hinted part until it exists, and serves listed parts as immutable', async () => {
    const { get, feed, holding } = await setup();
    feed.part('source');
    const hinted = get(`/hls/demo/source/part-${LL_FIRST_PART + 1}.m4s`);
    expect((await get(`/hls/demo/source/part-${LL_FIRST_PART + 2}.m4s`)).status).toBe(404);
    await heldBy(holding);
    feed.part('source');
    expect(await hinted).toEqual({
      status: 200,
      body: `source-${LL_FIRST_PART + 1}`,
      cache: 'public, max-age=3600, immutable',
    });
    expect((await get(`/hls/demo/source/part-${LL_FIRST_PART}.m4s`)).body).toBe(`source-${LL_FIRST_PART}`);
  });

  it('keeps a part fetchable after its segment slid out of the window', async () => {
    const { get, feed } = await setup();
    for (let i = 0; i < 4 * 8; i++) feed.part('source');
    const playlist = (await get(SOURCE)).body;
    expect(playlist).not.toContain(`part-${LL_FIRST_PART}.m4s`);
    expect((await get(`/hls/demo/source/part-${LL_FIRST_PART}.m4s`)).status).toBe(200);
  });
});
