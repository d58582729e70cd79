import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A built file of the watch page: its media type and bytes. */
export interface WatchAsset {
  readonly type: string;
  readonly body: Buffer;
}

/** The watch page as built by `scripts/build-watch.mjs`: its HTML and its content-hashed assets by file name. */
export interface WatchAssets {
  /** `index.html`, naming its assets under `/watch/assets/`. */
  readonly page: Buffer;
  /** File name (e.g. `watch-4F2KQ7ZC.js`) → asset; a name changes with its content, so each is cached immutable. */
  readonly assets: ReadonlyMap<string, WatchAsset>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Reads the built watch page into memory: `<dir>/index.html` and every `.js`/`.css` file of `<dir>/assets/`.
 * @param dir the build's output, `services/relay/dist/watch-page/`.
 * @returns undefined when the page was not built (no `index.html`), so the relay serves HLS without it.
 * @throws the read error of a file that exists but cannot be read.
 */
export async function loadWatchAssets(dir: string): Promise<WatchAssets | undefined> {
  let page: Buffer;
  try {
    page = await readFile(join(dir, 'index.html'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const assets = new Map<string, WatchAsset>();
  for (const name of await readdir(join(dir, 'assets'))) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))];
    if (type) assets.set(name, { type, body: await readFile(join(dir, 'assets', name)) });
  }
  return { page, assets };
}
