#!/usr/bin/env node
/**
 * The chat message path under load: post → receive latency with many viewers in one room over two instances, and
 * accepted posts per second per instance. `node bench/realtime/run.mjs [--viewers 1000] [--rate 1000,20] [--seconds
 * 30] [--warm-up 5] [--drain 30] [--throughput-seconds 20] [--posters 4] [--window 64] [--only
 * latency,own,one,solo] [--cpu-prof DIR]`. Prints the results as Markdown on stdout, progress on stderr. See README.md
 * beside it.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { benchMain } from '../ll-hls/cleanup.mjs';

const PARTS = ['latency', 'own', 'one', 'solo'];
const BUILT = ['services/chat/dist/main.js', 'libs/realtime/dist/index.js', 'libs/testing/dist/index.js'];
const USAGE =
  'usage: node bench/realtime/run.mjs [--viewers N] [--rate R[,R…]] [--seconds N] [--warm-up N] [--drain N] ' +
  `[--throughput-seconds N] [--posters N] [--window N] [--only ${PARTS.join(',')}] [--cpu-prof DIR]`;

const { values } = parseArgs({
  options: {
    viewers: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '1000,20' },
    seconds: { type: 'string', default: '30' },
    'warm-up': { type: 'string', default: '5' },
    drain: { type: 'string', default: '30' },
    'throughput-seconds': { type: 'string', default: '20' },
    posters: { type: 'string', default: '4' },
    window: { type: 'string', default: '64' },
    only: { type: 'string', default: PARTS.join(',') },
    'cpu-prof': { type: 'string' },
  },
});
const positive = (n) => Number.isInteger(n) && n >= 1;
const options = {
  viewers: Number(values.viewers),
  rates: values.rate.split(',').map(Number),
  seconds: Number(values.seconds),
  warmUpS: Number(values['warm-up']),
  drainS: Number(values.drain),
  throughputSeconds: Number(values['throughput-seconds']),
  postersPerInstance: Number(values.posters),
  window: Number(values.window),
  only: new Set(values.only.split(',').filter(Boolean)),
  cpuProfileDir: values['cpu-prof'],
  command: `node bench/realtime/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
};
const valid =
  [options.viewers, options.seconds, options.throughputSeconds, options.postersPerInstance, options.window].every(
    positive,
  ) &&
  options.viewers >= 2 &&
  options.rates.length > 0 &&
  options.rates.every((r) => Number.isFinite(r) && r > 0) &&
  [options.warmUpS, options.drainS].every((n) => Number.isInteger(n) && n >= 0) &&
  options.window <= 10_000 &&
  [...options.only].every((p) => PARTS.includes(p));
if (!valid) {
  console.error(USAGE);
  process.exit(2);
}
if (availableParallelism() < 2) {
  console.error('needs 2 CPUs: the servers on CPU 0, the load on CPU 1');
  process.exit(2);
}
await benchMain({
  tag: 'realtime',
  built: BUILT,
  run: async () => {
    const { runBench } = await import('./bench.mjs');
    return runBench(options);
  },
});
