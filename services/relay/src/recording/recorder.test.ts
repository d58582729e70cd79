import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaHub } from '@onair/media';
import { createLogger } from '@onair/runtime';
import { hubFeeder } from '../testing/hub-feeder.js';
import { closeOpenRecordings } from './close-open.js';
import { readMeta } from './recording-files.js';
import { Recorder } from './recorder.js';

const log = createLogger({ service: 'relay', level: 'silent' });
const PUBLISH = '0b9c6f0e-1d2a-4c3b-8e4f-5a6b7c8d9e0f';
const NEXT_PUBLISH = '1b9c6f0e-1d2a-4c3b-8e4f-5a6b7c8d9e0f';
const entry = (publishId: string, record = true) => ({ publishId, startedAtMs: 1, record });

describe('Recorder', () => {
  let dir: string;
  let hub: MediaHub;
  let recorder: Recorder;
  const read = (...path: string[]): Promise<string> => readFile(join(dir, 'demo', ...path), 'utf8');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onair-recorder-'));
    hub = new MediaHub({ windowSize: 3 });
    recorder = new Recorder({ dir, hub, log });
    await recorder.start();
  });

  afterEach(async () => {
    await recorder.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a marked publish as it goes: EVENT playlist, segments, init, master, recording.json', async () => {
    recorder.entry('demo', entry(PUBLISH));
    const feed = hubFeeder(hub);
    feed.start(PUBLISH);
    feed.init('init-a');
    feed.segment(0);
    feed.segment(1, 1500);
    await recorder.idle();
    const playlist = await read(PUBLISH, 'source', 'index.m3u8');
    expect(playlist).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(playlist).not.toContain('#EXT-X-ENDLIST');
    expect(playlist).toContain('#EXT-X-MAP:URI="init-0.mp4"\n#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z\n');
    expect(playlist).toContain('#EXTINF:2.000,\nseg-0.m4s\n');
    expect(playlist).toContain('#EXTINF:1.500,\nseg-1.m4s\n');
    expect(await read(PUBLISH, 'source', 'seg-1.m4s')).toBe('seg-1');
    expect(await read(PUBLISH, 'source', 'init-0.mp4')).toBe('init-a');
    expect(await read(PUBLISH, 'master.m3u8')).toContain('source/index.m3u8');
    expect(await readMeta(join(dir, 'demo', PUBLISH))).toEqual({
      room: 'demo',
      publishId: PUBLISH,
      startedAtMs: 1_700_000_000_000,
    });
    expect(recorder.recording('demo')).toBe(PUBLISH);
  });

  it('turns the playlists into VOD when the publish ends, with its duration', async () => {
    recorder.entry('demo', entry(PUBLISH));
    const feed = hubFeeder(hub);
    feed.start(PUBLISH);
    feed.init('init-a');
    feed.segment(0);
    feed.segment(1);
    hub.end('demo', 'publisher left');
    await recorder.stop();
    const playlist = await read(PUBLISH, 'source', 'index.m3u8');
    expect(playlist).toMatch(/#EXT-X-TARGETDURATION:2\n/);
    expect(playlist).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(playlist.endsWith('seg-1.m4s\n#EXT-X-ENDLIST\n')).toBe(true);
    expect((await readMeta(join(dir, 'demo', PUBLISH)))?.durationMs).toBe(4000);
  });

  it('carries a discontinuity and a new init through, and continues across a replaced stream of the publish', async () => {
    recorder.entry('demo', entry(PUBLISH));
    const feed = hubFeeder(hub);
    feed.start(PUBLISH);
    feed.init('init-a');
    feed.segment(0);
    feed.discontinuity();
    feed.init('init-b');
    feed.segment(1);
    // A re-subscribe: the upstream replays its window (segments 0 and 1), then goes on.
    feed.start(PUBLISH);
    feed.init('init-a');
    feed.segment(0);
    feed.discontinuity();
    feed.init('init-b');
    feed.segment(1);
    feed.segment(2);
    hub.end('demo', 'publisher left');
    await recorder.stop();
    const playlist = await read(PUBLISH, 'source', 'index.m3u8');
    expect(playlist.match(/\.m4s/g)).toHaveLength(3);
    expect(playlist).toContain('#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-1.mp4"\n');
    expect(playlist.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    expect(await read(PUBLISH, 'source', 'init-1.mp4')).toBe('init-b');
    // The segment after the discontinuity carries its init segment ahead of its parts; the others do not.
    expect(await read(PUBLISH, 'source', 'seg-0.m4s')).toBe('seg-0');
    expect(await read(PUBLISH, 'source', 'seg-1.m4s')).toBe('init-bseg-1');
    expect(await read(PUBLISH, 'source', 'seg-2.m4s')).toBe('seg-2');
  });

  it('marks a gap after a re-subscribe as a discontinuity', async () => {
    recorder.entry('demo', entry(PUBLISH));
    const feed = hubFeeder(hub);
    feed.start(PUBLISH);
    feed.init('init-a');
    feed.segment(0);
    feed.start(PUBLISH);
    feed.init('init-a');
    feed.segment(3);
    hub.end('demo', 'publisher left');
    await recorder.stop();
    expect(await read(PUBLISH, 'source', 'index.m3u8')).toContain('#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME');
    expect(await read(PUBLISH, 'source', 'seg-1.m4s')).toBe('init-aseg-3');
  });

  it('records nothing of a publish not marked, and starts late on an entry that marks the live publish', async () => {
    const feed = hubFeeder(hub);
    recorder.entry('demo', entry(PUBLISH, false));
    feed.start(PUBLISH);
    feed.init('init-a');
    feed.segment(0);
    expect(recorder.recording('demo')).toBeUndefined();
    recorder.entry('demo', entry(PUBLISH));
    feed.segment(1);
    feed.start(NEXT_PUBLISH);
    await recorder.stop();
    expect(await read(PUBLISH, 'source', 'index.m3u8')).toContain('seg-1.m4s\n#EXT-X-ENDLIST');
    expect(await readdir(join(dir, 'demo'))).toEqual([PUBLISH]);
  });

  it('closes a recording left open by a crash on start, dropping what was cut short', async () => {
    recorder.entry('demo', entry(PUBLISH));
    const feed = hubFeeder(hub);
    feed.start(PUBLISH);
    feed.init('init-a');
    feed.segment(0);
    feed.segment(1);
    await recorder.idle();
    const rendition = join(dir, 'demo', PUBLISH, 'source');
    // As after a kill mid-write: a segment listed but not renamed yet, and a temporary file.
    await writeFile(join(rendition, 'index.m3u8'), '#EXTINF:2.000,\nseg-2.m4s\n#EXTINF:2.0', { flag: 'a' });
    await writeFile(join(rendition, 'seg-2.m4s.tmp'), 'seg-2');
    await closeOpenRecordings(dir, log);
    const playlist = await read(PUBLISH, 'source', 'index.m3u8');
    expect(playlist).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(playlist.endsWith('seg-1.m4s\n#EXT-X-ENDLIST\n')).toBe(true);
    expect(await readdir(rendition)).not.toContain('seg-2.m4s.tmp');
    expect((await readMeta(join(dir, 'demo', PUBLISH)))?.durationMs).toBe(4000);
  });
});
