import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MONITORING_USER_AGENT } from '@onair/contracts';
import { MediaHub } from '@onair/media';
import { serveHls, type HlsTestServer } from '../testing/hls-server.js';
import { hubFeeder } from '../testing/hub-feeder.js';
import { ViewerTracker } from '../viewers/viewer-tracker.js';
import { RoomStreams } from './room-streams.js';

const PLAYLIST = '/hls/demo/source/index.m3u8';

const initFile = (data: string): string => `init-${createHash('sha256').update(data).digest('hex').slice(0, 16)}.mp4`;

describe('HLS handler', () => {
  const servers: Array<Promise<HlsTestServer>> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(async (s) => (await s).close()));
  });

  function serve(hub: MediaHub) {
    const server = serveHls({ streams: new RoomStreams(hub, { lingerMs: 60_000 }), viewers: new ViewerTracker() });
    servers.push(server);
    return async (url: string) => (await server).get(url);
  }

  it('counts viewers by client, but not monitoring reading keyframes for thumbnails', async () => {
    const hub = new MediaHub({ windowSize: 3 });
    const viewers = new ViewerTracker();
    const server = serveHls({ streams: new RoomStreams(hub, { lingerMs: 60_000 }), viewers });
    servers.push(server);
    const feed = hubFeeder(hub);
    feed.start('p1');
    feed.init('INIT-A');
    feed.segment(0);
    expect((await (await server).get(PLAYLIST, { 'user-agent': MONITORING_USER_AGENT })).status).toBe(200);
    expect(
      (await (await server).get('/hls/demo/source/seg-0.m4s', { 'user-agent': MONITORING_USER_AGENT })).status,
    ).toBe(200);
    expect(viewers.counts()).toEqual(new Map());
    expect((await (await server).get(PLAYLIST, { 'user-agent': 'hls.js' })).status).toBe(200);
    expect(viewers.counts()).toEqual(new Map([['demo', 1]]));
  });

  it('names init segments by their content, so an init URL never serves other bytes', async () => {
    const hub = new MediaHub({ windowSize: 3 });
    const get = serve(hub);
    const feed = hubFeeder(hub);
    feed.start('p1');
    feed.init('INIT-A');
    feed.segment(0);
    expect((await get(PLAYLIST)).body).toContain(`#EXT-X-MAP:URI="${initFile('INIT-A')}"`);
    expect(await get(`/hls/demo/source/${initFile('INIT-A')}`)).toMatchObject({
      status: 200,
      body: 'INIT-A',
      cache: 'public, max-age=3600, immutable',
    });
    feed.start('p2');
    feed.init('INIT-B');
    feed.segment(1);
    expect((await get(PLAYLIST)).body).toContain(`#EXT-X-MAP:URI="${initFile('INIT-B')}"`);
    expect(await get(`/hls/demo/source/${initFile('INIT-B')}`)).toMatchObject({ status: 200, body: 'INIT-B' });
    expect((await get(`/hls/demo/source/${initFile('INIT-A')}`)).status).toBe(404);
  });

  it('keeps a segment it listed available for its duration plus the playlist’s (RFC 8216 §6.2.2)', async () => {
    const hub = new MediaHub({ windowSize: 3 });
    const get = serve(hub);
    const feed = hubFeeder(hub);
    feed.start('p1');
    feed.init('INIT-A');
    [0, 1, 2].forEach((seq) => feed.segment(seq));
    expect((await get(PLAYLIST)).body).toContain('seg-0.m4s');
    // Segment 0 (2 s) slides out after a 6 s playlist listed it: it must stay for 8 s more.
    [3, 4, 5, 6].forEach((seq) => feed.segment(seq));
    expect((await get(PLAYLIST)).body).not.toContain('seg-0.m4s');
    expect(await get('/hls/demo/source/seg-0.m4s')).toMatchObject({ status: 200, body: 'seg-0' });
    feed.segment(7);
    expect((await get('/hls/demo/source/seg-0.m4s')).status).toBe(404);
    expect((await get('/hls/demo/source/seg-1.m4s')).status).toBe(200);
  });

  it('never lowers EXT-X-TARGETDURATION as a long segment slides out (RFC 8216 §6.2.1)', async () => {
    const hub = new MediaHub({ windowSize: 2 });
    const get = serve(hub);
    const feed = hubFeeder(hub);
    const target = async () => /#EXT-X-TARGETDURATION:(\d+)/.exec((await get(PLAYLIST)).body)?.[1];
    feed.start('p1');
    feed.init('INIT-A');
    feed.segment(0);
    expect(await target()).toBe('2');
    feed.segment(1, 4600);
    expect(await target()).toBe('5');
    [2, 3, 4, 5].forEach((seq) => feed.segment(seq));
    expect(await target()).toBe('5');
  });

  it('serves the same media playlists on an edge rebuilt from the origin’s snapshot', async () => {
    const origin = new MediaHub({ windowSize: 3 });
    const edge = new MediaHub({ windowSize: 3 });
    const fromOrigin = serve(origin);
    const fromEdge = serve(edge);
    const feed = hubFeeder(origin);
    feed.start('p1');
    feed.init('INIT-A');
    [0, 1].forEach((seq) => feed.segment(seq));
    feed.discontinuity();
    feed.init('INIT-B');
    [2, 3].forEach((seq) => feed.segment(seq));
    feed.discontinuity();
    feed.init('INIT-A');
    [4, 5].forEach((seq) => feed.segment(seq));
    // Window [3, 4, 5]: the discontinuity before 2 slid out, the one before 4 is listed. An encoder restart
    // has begun: its discontinuity is known, its first part is not.
    feed.discontinuity();
    const stream = origin.get('demo');
    for (const e of stream?.snapshot() ?? []) edge.apply('demo', e);
    stream?.listen((e) => edge.apply('demo', e));
    expect((await fromEdge(PLAYLIST)).body).toBe((await fromOrigin(PLAYLIST)).body);
    feed.init('INIT-C');
    [6, 7].forEach((seq) => feed.segment(seq));
    const playlist = (await fromOrigin(PLAYLIST)).body;
    expect(playlist).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:2\n');
    expect(playlist).toContain(`#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="${initFile('INIT-C')}"\n`);
    expect((await fromEdge(PLAYLIST)).body).toBe(playlist);
  });
});
