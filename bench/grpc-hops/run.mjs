#!/usr/bin/env node
/**
 * The latency model measured per hop: `node bench/grpc-hops/run.mjs [--only serialisation,transmission,media-path]
 * [--iterations 10000] [--warm-up 1000]`. Prints the results as Markdown on stdout, progress on stderr; stops
 * everything it started on exit and on Ctrl-C. See README.md beside it.
 */
import { parseArgs } from 'node:util';
import { benchMain } from '../ll-hls/cleanup.mjs';

const PARTS = ['serialisation', 'transmission', 'media-path'];
const BUILT = ['proto/dist/src/index.js', 'libs/grpc-kit/dist/index.js', 'libs/media/dist/index.js'];

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: PARTS.join(',') },
    iterations: { type: 'string', default: '10000' },
    'warm-up': { type: 'string', default: '1000' },
  },
});
const only = new Set(values.only.split(',').filter(Boolean));
const iterations = Number(values.iterations);
const warmUp = Number(values['warm-up']);
const counts = [iterations, warmUp];
if ([...only].some((p) => !PARTS.includes(p)) || counts.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error(`usage: node bench/grpc-hops/run.mjs [--only ${PARTS.join(',')}] [--iterations N] [--warm-up N]`);
  process.exit(2);
}
await benchMain({
  tag: 'grpc-hops',
  built: BUILT,
  run: async () => {
    const { runBench } = await import('./bench.mjs');
    const command = ['node bench/grpc-hops/run.mjs', ...process.argv.slice(2)].join(' ');
    return runBench({ only, iterations, warmUp, command });
  },
});
