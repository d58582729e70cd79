#!/usr/bin/env node
/**
 * LL-HLS benchmark of Onair against nginx-rtmp: `node bench/ll-hls/run.mjs [--seconds 60] [--only
 * lag,player,throughput,held] [--size 640x360] [--held-batches 8]`. Prints the results as Markdown on stdout, progress on stderr.
 * See README.md beside it.
 */
import { parseArgs } from 'node:util';
import { benchMain } from './cleanup.mjs';

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
await benchMain({
  tag: 'll-hls',
  built: BUILT,
  run: async () => {
    const { runBench } = await import('./bench.mjs');
    return runBench({ seconds, size: values.size, only, heldBatches });
  },
});
