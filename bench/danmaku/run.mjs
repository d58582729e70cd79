#!/usr/bin/env node
/**
 * Danmaku at scale: items delivered per second and post → screen latency with many sockets in one room on one
 * danmaku instance (and two behind NATS), and memory per idle socket. `node bench/danmaku/run.mjs [--sockets 10000]
 * [--rate 100] [--window MS] [--seconds 30] [--instances 1,2] [--only fanout,memory] [--idle-memory N] [--heap-summary] [--samples 100] [--posters 4]
 * [--warm-up 5] [--drain 20] [--load-processes N] [--cpu-prof DIR] [--loopback-rps]`. Prints the results as Markdown on stdout,
 * progress on stderr. See README.md beside it.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { benchMain } from '../ll-hls/cleanup.mjs';

const PARTS = ['fanout', 'memory'];
const BUILT = ['services/danmaku/dist/main.js', 'libs/realtime/dist/index.js', 'libs/testing/dist/index.js'];
/** Viewers per load process unless --load-processes says otherwise. */
const SOCKETS_PER_LOAD_PROCESS = 2500;
const USAGE =
  'usage: node bench/danmaku/run.mjs [--sockets N] [--rate R] [--window MS] [--seconds N] [--instances 1|2|1,2] ' +
  `[--only ${PARTS.join(',')}] [--idle-memory N] [--heap-summary] [--samples N] [--posters N] [--warm-up N] [--drain N] ` +
  '[--load-processes N] [--cpu-prof DIR] [--loopback-rps]';

const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '100' },
    window: { type: 'string' },
    seconds: { type: 'string', default: '30' },
    instances: { type: 'string', default: '1,2' },
    only: { type: 'string', default: PARTS.join(',') },
    'idle-memory': { type: 'string' },
    'heap-summary': { type: 'boolean', default: false },
    samples: { type: 'string', default: '100' },
    posters: { type: 'string', default: '4' },
    'warm-up': { type: 'string', default: '5' },
    drain: { type: 'string', default: '20' },
    'load-processes': { type: 'string' },
    'cpu-prof': { type: 'string' },
    'loopback-rps': { type: 'boolean', default: false },
  },
});
const sockets = Number(values.sockets);
const options = {
  sockets,
  rate: Number(values.rate),
  windowMs: values.window === undefined ? undefined : Number(values.window),
  seconds: Number(values.seconds),
  instances: values.instances.split(',').map(Number),
  only: new Set(values.only.split(',').filter(Boolean)),
  idleSockets: Number(values['idle-memory'] ?? sockets),
  heapSummary: values['heap-summary'],
  samples: Number(values.samples),
  posters: Number(values.posters),
  warmUpS: Number(values['warm-up']),
  drainS: Number(values.drain),
  loadProcesses: Number(values['load-processes'] ?? Math.ceil(sockets / SOCKETS_PER_LOAD_PROCESS)),
  cpuProfileDir: values['cpu-prof'],
  loopbackRps: values['loopback-rps'],
  command: `node bench/danmaku/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
};
const positive = (n) => Number.isInteger(n) && n >= 1;
const valid =
  [sockets, options.seconds, options.idleSockets, options.samples, options.posters, options.loadProcesses].every(
    positive,
  ) &&
  options.samples <= sockets &&
  Number.isFinite(options.rate) &&
  options.rate > 0 &&
  (options.windowMs === undefined || (Number.isInteger(options.windowMs) && options.windowMs >= 0)) &&
  options.instances.length > 0 &&
  options.instances.every((n) => n === 1 || n === 2) &&
  [options.warmUpS, options.drainS].every((n) => Number.isInteger(n) && n >= 0) &&
  [...options.only].every((p) => PARTS.includes(p));
if (!valid) {
  console.error(USAGE);
  process.exit(2);
}
if (availableParallelism() < 2) {
  console.error('needs 2 CPUs: danmaku on CPU 0, nats-server and the load on CPU 1');
  process.exit(2);
}
await benchMain({
  tag: 'danmaku',
  built: BUILT,
  run: async () => {
    const { runBench } = await import('./bench.mjs');
    return runBench(options);
  },
});
