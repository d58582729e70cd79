#!/usr/bin/env node
/**
 * The latency model measured per hop: `node bench/grpc-hops/run.mjs [--only serialisation,transmission,media-path]
 * [--iterations 10000] [--warm-up 1000] [--messages 300] [--message-warm-up 30] [--interval-ms 10]
 * [--containers yes|no] [--seconds 60]`. Prints the results as Markdown on stdout, progress on stderr; stops
 * everything it started on exit and on Ctrl-C. See README.md beside it.
 */
import { parseArgs } from 'node:util';
import { benchMain } from '../ll-hls/cleanup.mjs';

const PARTS = ['serialisation', 'transmission', 'media-path'];
const BUILT = [
  'proto/dist/src/index.js',
  'libs/grpc-kit/dist/index.js',
  'libs/media/dist/index.js',
  'libs/testing/dist/index.js',
  'services/ingest/dist/main.js',
  'services/ingest/dist/protocols/rtmp/chunk-reader.js',
  'services/relay/dist/main.js',
];

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: PARTS.join(',') },
    iterations: { type: 'string', default: '10000' },
    'warm-up': { type: 'string', default: '1000' },
    messages: { type: 'string', default: '300' },
    'message-warm-up': { type: 'string', default: '30' },
    'interval-ms': { type: 'string', default: '10' },
    containers: { type: 'string', default: 'yes' },
    seconds: { type: 'string', default: '60' },
  },
});
const only = new Set(values.only.split(',').filter(Boolean));
const iterations = Number(values.iterations);
const warmUp = Number(values['warm-up']);
const messages = Number(values.messages);
const messageWarmUp = Number(values['message-warm-up']);
const intervalMs = Number(values['interval-ms']);
const seconds = Number(values.seconds);
const counts = [iterations, warmUp, messages, messageWarmUp, intervalMs, seconds];
const badCount = counts.some((n) => !Number.isInteger(n) || n < 1);
if ([...only].some((p) => !PARTS.includes(p)) || badCount || !['yes', 'no'].includes(values.containers)) {
  console.error(
    `usage: node bench/grpc-hops/run.mjs [--only ${PARTS.join(',')}] [--iterations N] [--warm-up N] ` +
      '[--messages N] [--message-warm-up N] [--interval-ms N] [--containers yes|no] [--seconds N]',
  );
  process.exit(2);
}
const containers = values.containers === 'yes';
await benchMain({
  tag: 'grpc-hops',
  built: BUILT,
  run: async () => {
    const { runBench } = await import('./bench.mjs');
    const command = ['node bench/grpc-hops/run.mjs', ...process.argv.slice(2)].join(' ');
    return runBench({ only, iterations, warmUp, messages, messageWarmUp, intervalMs, containers, seconds, command });
  },
});
