import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HlsAnswer } from '../hls/hls-answer.js';
import { writeMeta } from './recording-files.js';
import { createVodHandler } from './vod-handler.js';

const OLD = '0b9c6f0e-1d2a-4c3b-8e4f-5a6b7c8d9e0f';
const NEW = '1b9c6f0e-1d2a-4c3b-8e4f-5a6b7c8d9e0f';

describe('createVodHandler', () => {
  let root: string;
  let dir: string;
  let handler: ReturnType<typeof createVodHandler>;
  const get = async (target: string): Promise<HlsAnswer | undefined> => handler({ method: 'GET', target })?.answer;
  const header = (a: HlsAnswer | undefined, name: string): string | undefined =>
    a?.headers.find(([n]) => n === name)?.[1];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'onair-vod-'));
    dir = join(root, 'recordings');
    for (const [publishId, startedAtMs] of [
      [OLD, 1000],
      [NEW, 2000],
    ] as const) {
      await mkdir(join(dir, 'demo', publishId, 'source'), { recursive: true });
      await writeMeta(join(dir, 'demo', publishId), { room: 'demo', publishId, startedAtMs, durationMs: 4000 });
      await writeFile(join(dir, 'demo', publishId, 'master.m3u8'), '#EXTM3U\n');
      await writeFile(join(dir, 'demo', publishId, 'source', 'index.m3u8'), '#EXTM3U\n#EXT-X-ENDLIST\n');
      await writeFile(join(dir, 'demo', publishId, 'source', 'seg-0.m4s'), 'seg-0');
    }
    await writeMeta(join(dir, 'demo', NEW), { room: 'demo', publishId: NEW, startedAtMs: 2000 });
    await writeFile(join(root, 'secret.txt'), 'secret');
    handler = createVodHandler(dir);
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it('serves playlists and segments with their types and caching', async () => {
    const master = await get(`/vod/demo/${OLD}/master.m3u8`);
    expect(master?.status).toBe(200);
    expect(header(master, 'content-type')).toBe('application/vnd.apple.mpegurl');
    const playlist = await get(`/vod/demo/${OLD}/source/index.m3u8`);
    expect(playlist?.body.toString()).toContain('#EXT-X-ENDLIST');
    const seg = await get(`/vod/demo/${OLD}/source/seg-0.m4s`);
    expect(seg?.body.toString()).toBe('seg-0');
    expect(header(seg, 'cache-control')).toContain('immutable');
    expect((await get(`/vod/demo/${OLD}/source/seg-9.m4s`))?.status).toBe(404);
  });

  it('lets players on any origin read playlists, segments, errors and the listing (CORS)', async () => {
    for (const path of [
      `/vod/demo/${OLD}/master.m3u8`,
      `/vod/demo/${OLD}/source/index.m3u8`,
      `/vod/demo/${OLD}/source/seg-0.m4s`,
      `/vod/demo/${OLD}/source/seg-9.m4s`,
      '/api/recordings?room=demo',
    ]) {
      expect(header(await get(path), 'access-control-allow-origin'), path).toBe('*');
    }
  });

  it('lists a room newest first, null duration while recording', async () => {
    const answer = await get('/api/recordings?room=demo');
    expect(answer?.status).toBe(200);
    expect(JSON.parse(answer?.body.toString() ?? '')).toEqual([
      { room: 'demo', publishId: NEW, startedAtMs: 2000, durationMs: null, master: `/vod/demo/${NEW}/master.m3u8` },
      { room: 'demo', publishId: OLD, startedAtMs: 1000, durationMs: 4000, master: `/vod/demo/${OLD}/master.m3u8` },
    ]);
    expect(JSON.parse((await get('/api/recordings?room=nobody'))?.body.toString() ?? '')).toEqual([]);
    expect((await get('/api/recordings'))?.status).toBe(400);
    expect((await get('/api/recordings?room=..%2F..'))?.status).toBe(400);
  });

  it.each([
    '/vod/../secret.txt',
    '/vod/demo/../../secret.txt',
    `/vod/demo/${OLD}/../../../secret.txt`,
    `/vod/demo/${OLD}/source/../../../../secret.txt`,
    '/vod/%2e%2e/secret.txt',
    `/vod/demo/${OLD}/%2e%2e%2F%2e%2e%2F%2e%2e%2Fsecret.txt`,
    `/vod/demo/${OLD}/source%2F..%2F..%2F..%2F..%2Fsecret.txt`,
    `/vod/demo/${OLD}//etc/passwd`,
    '/vod//etc/passwd',
    `/vod/demo/${OLD}/recording.json`,
    `/vod/demo/${OLD}/source/seg-0.m4s.tmp`,
    `/vod/demo/${OLD}/source/index.m3u8/`,
    `/vod/DEMO/${OLD}/master.m3u8`,
  ])('refuses %s', async (target) => {
    const answer = await get(target);
    expect(answer?.status).toBe(404);
    expect(answer?.body.toString()).not.toContain('secret');
  });

  it('leaves other paths and methods to other handlers', () => {
    expect(handler({ method: 'GET', target: '/hls/demo/master.m3u8' })).toBeUndefined();
    expect(handler({ method: 'POST', target: `/vod/demo/${OLD}/master.m3u8` })).toBeUndefined();
  });
});
