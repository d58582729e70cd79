import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaHub } from '@onair/media';
import { createLogger } from '@onair/runtime';
import { createPublishPipeline } from './pipeline.js';

const log = createLogger({ service: 'ingest', level: 'silent' });
const INGEST_DIR = fileURLToPath(new URL('../../', import.meta.url));
const publish = (room: string) => ({ room, publishId: `${room}-1`, startedAtMs: 1_700_000_000_000 });

describe('createPublishPipeline socket directory (in TMPDIR)', () => {
  let parent: string;
  const savedTmpdir = process.env.TMPDIR;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'onair-sockets-'));
    process.env.TMPDIR = parent;
  });
  afterEach(async () => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    await rm(parent, { recursive: true, force: true });
  });

  it('exists only while a publish is open: nothing is left by a service that never got one', async () => {
    const pipeline = createPublishPipeline({
      hub: new MediaHub(),
      ladder: [{ kind: 'source', name: 'source' }],
      ffmpegPath: 'ffmpeg',
      targetSegmentMs: 2000,
      log,
    });
    expect(await readdir(parent)).toEqual([]);
    const a = pipeline.open(publish('a'));
    const b = pipeline.open(publish('b'));
    expect(await readdir(parent)).toHaveLength(1);
    await a.end('publisher left');
    expect(await readdir(parent)).toHaveLength(1);
    await b.end('publisher left');
    expect(await readdir(parent)).toEqual([]);
    pipeline.open(publish('c'));
    expect(await readdir(parent)).toHaveLength(1);
    await pipeline.close();
    expect(await readdir(parent)).toEqual([]);
  });

  it('is removed when the process exits with a publish still open (a stop that timed out)', async () => {
    // Runs the built pipeline (dist, from tsc -b) in a child process that exits as runService does when a stop times out.
    const script = `
      const { createPublishPipeline } = await import(${JSON.stringify(`${INGEST_DIR}dist/publish/pipeline.js`)});
      const { MediaHub } = await import('@onair/media');
      const { createLogger } = await import('@onair/runtime');
      const pipeline = createPublishPipeline({
        hub: new MediaHub(), ladder: [{ kind: 'source', name: 'source' }], ffmpegPath: 'ffmpeg',
        targetSegmentMs: 2000, log: createLogger({ service: 'ingest', level: 'silent' }),
      });
      pipeline.open({ room: 'r', publishId: 'p', startedAtMs: 1 });
      const { readdirSync } = await import('node:fs');
      console.log(readdirSync(process.env.TMPDIR).length);
      process.exit(1);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: INGEST_DIR,
      env: { ...process.env, TMPDIR: parent },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect({ status: child.status, stderr: child.stderr, stdout: child.stdout }).toEqual({
      status: 1,
      stderr: '',
      stdout: '1\n',
    });
    expect(await readdir(parent)).toEqual([]);
  });
});
