#!/usr/bin/env node
// Builds the watch page (`npm run build`): bundles watch/watch.ts (hls.js and the page's modules) and watch/watch.css
// with esbuild into dist/watch-page/assets/ under content-hashed names, and writes dist/watch-page/index.html naming them. The
// relay serves these files (src/watch/); nothing is fetched from a CDN at run time.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url).pathname;
const SRC = join(ROOT, 'watch');
const OUT = join(ROOT, 'dist', 'watch-page');

await rm(OUT, { recursive: true, force: true });
await mkdir(join(OUT, 'assets'), { recursive: true });
const { metafile } = await build({
  entryPoints: [join(SRC, 'watch.ts'), join(SRC, 'watch.css')],
  outdir: join(OUT, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2022'],
  metafile: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
let page = await readFile(join(SRC, 'index.html'), 'utf8');
for (const [output, { entryPoint }] of Object.entries(metafile.outputs)) {
  if (!entryPoint) continue;
  const name = basename(entryPoint).replace(/\.ts$/, '.js');
  const reference = `/watch/assets/${name}`;
  if (!page.includes(reference)) throw new Error(`watch/index.html does not name ${reference}`);
  page = page.replaceAll(reference, `/watch/assets/${basename(output)}`);
}
await writeFile(join(OUT, 'index.html'), page);
