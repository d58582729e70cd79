#!/usr/bin/env node
/**
 * What a passthrough RTMP publish costs ingest, against nginx-rtmp: `node bench/ingest-cost/run.mjs [--publishers
 * 50] [--seconds 30] [--warm-up 10]`. Prints the results as Markdown on stdout, progress on stderr. See README.md
 * beside it.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { benchMain } from '../ll-hls/cleanup.mjs';

const BUILT = [
  'services/ingest/dist/main.js',
  'services/ingest/dist/protocols/rtmp/chunk-writer.js',
  'services/relay/dist/main.js',
  'libs/cli/dist/index.js',
  'libs/testing/dist/index.js',
];

const { values } = parseArgs({
  options: {
    publishers: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '30' },
    'warm-up': { type: 'string', default: '10' },
  },
});
const publishers = Number(values.publishers);
const seconds = Number(values.seconds);
const warmUpS = Number(values['warm-up']);
const positive = (n) => Number.isInteger(n) && n >= 1;
if (!positive(publishers) || !positive(seconds) || !Number.isInteger(warmUpS) || warmUpS < 0) {
  console.error('usage: node bench/ingest-cost/run.mjs [--publishers N] [--seconds N] [--warm-up N]');
  process.exit(2);
}
if (availableParallelism() < 2) {
  console.error('needs 2 CPUs: the server on CPU 0, the publishers on CPU 1');
  process.exit(2);
}
await benchMain({
  tag: 'ingest-cost',
  built: BUILT,
  run: async () => {
    const { runBench } = await import('./bench.mjs');
    return runBench({ publishers, seconds, warmUpS });
  },
});
