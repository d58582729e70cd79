#!/usr/bin/env node
/**
 * LL-HLS benchmark of Onair against nginx-rtmp: `node bench/ll-hls/run.mjs [--seconds 60] [--only
 * lag,player,throughput,held] [--size 640x360] [--held-batches 8]`. Prints the results as Markdown on stdout, progress on stderr.
 * See README.md beside it.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cleanUpAll } from './cleanup.mjs';

const PARTS = ['lag', 'player', 'throughput', 'held'];
const BUILT = [
  'services/ingest/dist/main.js',
  'services/ingest/dist/protocols/rtmp/chunk-reader.js',
  'services/relay/dist/main.js',
  'libs/testing/dist/index.js',
];

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    only: { type: 'string', default: PARTS.join(',') },
    size: { type: 'string', default: '640x360' },
    'held-batches': { type: 'string', default: '8' },
  },
});
const seconds = Number(values.seconds);
const only = new Set(values.only.split(',').filter(Boolean));
const heldBatches = Number(values['held-batches']);
const unknown = [...only].filter((p) => !PARTS.includes(p));
const badBatches = !Number.isInteger(heldBatches) || heldBatches < 1;
if (!Number.isInteger(seconds) || seconds < 1 || unknown.length > 0 || !/^\d+x\d+$/.test(values.size) || badBatches) {
  console.error(
    `usage: node bench/ll-hls/run.mjs [--seconds N] [--only ${PARTS.join(',')}] [--size WxH] [--held-batches N]`,
  );
  process.exit(2);
}
const root = new URL('../../', import.meta.url);
const missing = BUILT.filter((path) => !existsSync(new URL(path, root)));
if (missing.length > 0) {
  console.error(`not built: ${missing.join(', ')}; run \`npm run build\` at the repository root`);
  process.exit(2);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`[ll-hls] ${signal}: stopping what was started`);
    void cleanUpAll().finally(() => process.exit(130));
  });
}

process.once('uncaughtException', (err) => {
  console.error(err);
  void cleanUpAll().finally(() => process.exit(1));
});

const { runBench } = await import('./bench.mjs');
try {
  console.log(await runBench({ seconds, size: values.size, only, heldBatches }));
} catch (err) {
  if (!interrupted) console.error(err);
  process.exitCode = 1;
} finally {
  await cleanUpAll();
}
