import { serviceNodeArgs } from '../realtime/chat-stack.mjs';
import {
  busyCell,
  counts,
  cpuCell,
  healthCell,
  int,
  latencyMs,
  mark,
  pct,
  quantileCell,
  table,
} from '../realtime/report.mjs';
import { LOAD_CPU, SERVER_CPU } from './danmaku-stack.mjs';

/** The issue's targets: items delivered per second per core, at this many sockets and posts/s; p99; per socket. */
const TARGET_ITEMS_PER_S = 1_000_000;
const TARGET_SOCKETS = 10_000;
const TARGET_RATE = 100;
const TARGET_P99_MS = 150;
const TARGET_BYTES_PER_SOCKET = 10 * 1024;

const sum = (values) => values.reduce((a, b) => a + b, 0);
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** "1 instance", "2 instances via NATS". */
const setupName = (r) =>
  `${r.options.instances === 1 ? '1 instance' : `${r.options.instances} instances via NATS`}, ${
    r.options.windowMs ?? 50
  } ms window`;

/** Derived figures of one fan-out run. */
function figuresOf(r) {
  const names = Object.keys(r.series);
  const serverSum = (key) => sum(names.map((name) => r.series[name][key] ?? 0));
  const loadSum = (status, key) => sum(status.processes.map((p) => p[key]));
  const danmakuCpu = sum(names.map((name) => r.cpu.pct[name])) / 100;
  const deliveriesPerS = serverSum('deliveries') / r.spanS;
  const final = r.final.processes;
  const sentM = final[0].posters.sent.m ?? 0;
  const samples = final.flatMap((p) => p.samples);
  const counted = final.map((p) => p.counted);
  return {
    names,
    serverSum,
    danmakuCpu,
    deliveriesPerS,
    perCpuS: deliveriesPerS / danmakuCpu,
    framesPerS: serverSum('frames') / r.spanS,
    itemsPerFrame: serverSum('deliveries') / Math.max(1, serverSum('frames')),
    acceptedPerS: serverSum('accepted') / r.spanS,
    loadItemsPerS: (loadSum(r.end, 'items') - loadSum(r.start, 'items')) / r.spanS,
    loadFramesPerS: (loadSum(r.end, 'frames') - loadSum(r.start, 'frames')) / r.spanS,
    loadBytesPerS: (loadSum(r.end, 'bytes') - loadSum(r.start, 'bytes')) / r.spanS,
    sentM,
    samples,
    counted,
    latency: r.final.latency.summary(sentM * samples.length),
  };
}

function header(machine, command, loopbackRps) {
  const changed = machine.changedFiles;
  const tree = changed > 0 ? ` plus ${changed} uncommitted changes in services/, libs/ or proto/` : '';
  const nodeArgs = serviceNodeArgs('danmaku');
  return `## Results

- Run: ${machine.date}, commit \`${machine.commit}\`${tree}; \`${command}\`.
- Machine: ${machine.cpus} × ${machine.cpuModel}, Linux ${machine.kernel}; load average at the start \
${machine.loadAverage}.
- Versions: Node ${machine.node}, nats-server ${machine.natsServer}, ws ${machine.ws} (server and posters), \
@nats-io/nats-core ${machine.natsCore}.
- Servers: danmaku from \`services/danmaku/dist/main.js\` (Node.js options from its package.json: \
${nodeArgs.length > 0 ? nodeArgs.join(' ') : 'none'}), every thread pinned to CPU ${SERVER_CPU}; nats-server and the \
load processes on CPU ${LOAD_CPU}.
- Loopback: ${
    loopbackRps
      ? `the receive half of loopback TCP steered to CPU ${LOAD_CPU} (RPS on \`lo\`, \`--loopback-rps\`), as the viewers' \
machines would do it on a network`
      : `the receive half of loopback TCP on the writer's CPU (Linux's default): CPU ${SERVER_CPU} also does the viewers' \
receiving`
  }.`;
}

function fanoutSection(results) {
  const first = results[0].options;
  const full = first.sockets >= TARGET_SOCKETS && first.rate >= TARGET_RATE;
  const goal = (ok) => (full ? ` ${mark(ok)}` : '');
  const rows = results.map((r) => {
    const f = figuresOf(r);
    const l = f.latency;
    return [
      setupName(r),
      int(f.deliveriesPerS),
      `**${int(f.perCpuS)}**${goal(f.perCpuS >= TARGET_ITEMS_PER_S)}`,
      `${int(f.loadItemsPerS)} (${pct((100 * f.loadItemsPerS) / (r.options.rate * r.options.sockets))})`,
      `${int(f.framesPerS)} × ${f.itemsPerFrame.toFixed(1)}`,
      `${int(l.n)} / ${int(l.expected)}`,
      ...[l.p50, l.p90].map((v) => quantileCell(v, r.drainedS)),
      `**${quantileCell(l.p99, r.drainedS)}**${goal(l.p99 !== undefined && l.p99 <= TARGET_P99_MS)}`,
      quantileCell(l.p999, r.drainedS),
      l.max === undefined ? '–' : latencyMs(l.max),
    ];
  });
  const head = [
    'setup',
    'items delivered/s, server',
    `per CPU-second of danmaku (≥ ${int(TARGET_ITEMS_PER_S)} per core)`,
    'items/s counted by the load (of offered)',
    'frames/s × items per frame',
    'sample deliveries arrived / expected',
    'p50 ms',
    'p90 ms',
    `p99 ms (≤ ${TARGET_P99_MS})`,
    'p99.9 ms',
    'max ms',
  ];
  const resourceRows = results.map((r) => {
    const f = figuresOf(r);
    const loads = r.options.loadProcesses + 1;
    return [
      setupName(r),
      f.names.map((name) => cpuCell(r.cpu, name)).join(' / '),
      cpuCell(r.cpu, 'nats'),
      Array.from({ length: loads }, (_, k) => cpuCell(r.cpu, `load-${k + 1}`)).join(' / '),
      r.loadEventLoopPct.map(pct).join(' / '),
      `${int(f.loadFramesPerS)} frames, ${(f.loadBytesPerS / 1e6).toFixed(1)} MB`,
      f.names.map((name) => healthCell(r.healthMs[name])).join('; '),
      busyCell(r.cpu),
      ((1e6 * f.danmakuCpu) / f.deliveriesPerS).toFixed(2),
    ];
  });
  const resourceHead = [
    'setup',
    'danmaku CPU',
    'nats-server CPU',
    'load CPU, each process',
    'load event loop busy, each',
    'the load read per s',
    '/healthz p50 / max ms',
    `CPU ${SERVER_CPU} / CPU ${LOAD_CPU} busy`,
    'danmaku CPU µs per item',
  ];
  const checks = results.map((r) => {
    const f = figuresOf(r);
    const final = r.final.processes;
    const complete = f.samples.filter((s) => s.measured === f.sentM).length;
    const merge = (key) => final.reduce((acc, p) => mergeCounts(acc, p[key]), {});
    const counted = f.counted;
    const posters = final[0].posters;
    return `- ${setupName(r)}: ${int(f.sentM)} measured posts sent (accepted/s \
${int(f.acceptedPerS)}); **sample viewers with every one: ${complete} of ${f.samples.length}**, seqs missing \
${sum(f.samples.map((s) => s.missingSeqs))}, duplicates ${sum(f.samples.map((s) => s.duplicates))}, out of order \
${sum(f.samples.map((s) => s.orderViolations))}; counting viewers (${int(sum(counted.map((c) => c.viewers)))}): items \
each (whole run) fewest ${int(Math.min(...counted.map((c) => c.fewestItems)))}, most \
${int(Math.max(...counted.map((c) => c.mostItems)))}, frames out of order ${sum(counted.map((c) => c.orderViolations))}; merged ${int(f.serverSum('merged'))}, sampled \
${int(f.serverSum('sampled'))}, dropped for slow viewers ${int(f.serverSum('dropped'))}, slow viewers closed \
${int(f.serverSum('slowViewersClosed'))}, rejected ${int(f.serverSum('rejected'))}; sockets closed by the server: \
${counts(merge('closes'))}; viewer error frames: ${counts(merge('errors'))}; poster error frames: \
${counts(posters.errors)}; posts sent late by p99 ${latencyMs(posters.sendLag.p99 ?? 0)} ms, max \
${latencyMs(posters.sendLag.max ?? 0)} ms; waited ${r.drainedS.toFixed(1)} s after the window; instance warnings: \
${r.warnings.length === 0 ? 'none' : r.warnings.slice(0, 5).join('; ')}.`;
  });
  return `### 1. Fan-out: ${int(first.sockets)} sockets in one room, ${int(first.rate)} posts/s

${int(first.sockets)} readers in room \`bench\` (socket i on instance i mod n), ${first.samples} of them sample \
viewers, and ${first.posters} posters sending ${int(first.rate)} danmaku/s in all with distinct texts; \
${first.seconds} s measured after ${first.warmUpS} s of warm-up, each setup on a fresh stack; 1 load process for the \
posters and samples and ${first.loadProcesses} (nice 10) for the counting viewers. Offered: ${int(first.rate * first.sockets)} items/s (posts/s × sockets).${
    full
      ? ''
      : ` The goals \
hold at ${int(TARGET_SOCKETS)} sockets and ${TARGET_RATE} posts/s; this run is smaller, so they are not marked.`
  }

${table(head, rows)}

${table(resourceHead, resourceRows)}

- **items delivered/s, server**: \`onair_realtime_fanout_deliveries_total\` of the instances over the window (every \
item of a batch counted), all on CPU ${SERVER_CPU}; **per CPU-second** divides it by the instances' CPU. **frames/s**: \
\`onair_realtime_fanout_frames_total\`, and items per frame.
- **items/s counted by the load**: sample viewers count the items they parse; the others take the span of first seqs \
of the frames they read (see the README), reading their sockets every 500 ms.
- **latency**: post → on-screen, receive − send over every (sample viewer, measured post); the send time is \
\`performance.timeOrigin + performance.now()\` of the posting process, the receive time the same in the sample's \
process. A delivery that had not arrived when the wait ended ranks last.
- **load**: each load process's CPU (/proc) and event loop busy share; near 100 % the load, not danmaku, is the limit.

${throughNats(results)}Checks:

${checks.join('\n')}`;
}

/** What two instances behind NATS add to one: CPU per item, nats-server's CPU, latency; empty without both. */
function throughNats(results) {
  const one = results.find((r) => r.options.instances === 1);
  const two = results.find((r) => r.options.instances === 2);
  if (one === undefined || two === undefined) return '';
  const [a, b] = [figuresOf(one), figuresOf(two)];
  const usPerItem = (f) => (1e6 * f.danmakuCpu) / f.deliveriesPerS;
  const diff = (x, y) => `${latencyMs(x)} → ${latencyMs(y)} ms`;
  const quantiles = ['p50', 'p99']
    .map((q) =>
      a.latency[q] === undefined || b.latency[q] === undefined ? `${q} –` : `${q} ${diff(a.latency[q], b.latency[q])}`,
    )
    .join(', ');
  return `**What the fan-out through NATS adds** (two instances, each reading the room from JetStream and serving \
half the sockets, against one): danmaku CPU per item delivered ${usPerItem(a).toFixed(2)} → \
${usPerItem(b).toFixed(2)} µs, nats-server CPU ${cpuCell(one.cpu, 'nats')} → ${cpuCell(two.cpu, 'nats')}; latency \
${quantiles}.

`;
}

/** Counts by key of `a` and `b` added up. */
function mergeCounts(a, b) {
  const merged = { ...a };
  for (const [key, n] of Object.entries(b)) merged[key] = (merged[key] ?? 0) + n;
  return merged;
}

function memorySection(r) {
  const n = r.options.sockets;
  const full = n >= TARGET_SOCKETS;
  const line = (what, before, after, goal) => [
    what,
    mib(before),
    mib(after),
    `**${kib((after - before) / n)}**${goal === undefined || !full ? '' : ` ${mark((after - before) / n <= goal)}`}`,
  ];
  const { before, after } = r;
  const rows = [
    line('RSS (/proc VmRSS)', before.vmRss, after.vmRss, TARGET_BYTES_PER_SOCKET),
    line('V8 heap used', before.usage.heapUsed, after.usage.heapUsed, TARGET_BYTES_PER_SOCKET),
    line('V8 heap total', before.usage.heapTotal, after.usage.heapTotal),
    line('external (ArrayBuffers and the like)', before.usage.external, after.usage.external),
  ];
  return `### 2. Memory per idle socket: ${int(n)} sockets

One danmaku instance with the inspector open on loopback; each reading after a full GC (\`HeapProfiler.collectGarbage\`) \
reads \`process.memoryUsage()\` (\`Runtime.evaluate\`) and VmRSS, 6 s after the last change: with no socket, then with \
${int(n)} readers in room \`bench\` that said hello and were welcomed, idle since.

${table(['what', 'before', `with ${int(n)} sockets`, `per socket (≤ ${kib(TARGET_BYTES_PER_SOCKET)})`], rows)}
${heapSection(r)}
Kernel socket buffers are not in the RSS.${
    full
      ? ''
      : ` The goal holds at ${int(TARGET_SOCKETS)} sockets; this run \
is smaller, so it is not marked.`
  } Instance warnings: ${r.warnings.length === 0 ? 'none' : r.warnings.slice(0, 5).join('; ')}.`;
}

/** The heap objects that grew most with the sockets (`--heap-summary`), or nothing. */
function heapSection(r) {
  if (r.heapGrowth.length === 0) return '';
  const n = r.options.sockets;
  const rows = r.heapGrowth.map((g) => [`\`${g.kind}\``, (g.count / n).toFixed(1), `${int(g.bytes / n)} B`]);
  return `
Heap snapshots (\`HeapProfiler.takeHeapSnapshot\`) before and after, summed by kind of object (constructor name, or \
the V8 node type in parentheses); the kinds that grew most, per socket, shallow sizes:

${table(['kind', 'objects per socket', 'bytes per socket'], rows)}
`;
}

/**
 * The results as Markdown: machine, the fan-out runs, the idle memory.
 * @param {{ machine: Record<string, string | number>, command: string, fanout:
 *   import('./fanout.mjs').FanoutResult[], memory: import('./idle-memory.mjs').IdleMemoryResult | undefined,
 *   loopbackRps?: boolean }} results
 * @returns {string}
 */
export function renderResults({ machine, command, fanout, memory, loopbackRps }) {
  const sections = [header(machine, command, loopbackRps)];
  if (fanout.length > 0) sections.push(fanoutSection(fanout));
  if (memory !== undefined) sections.push(memorySection(memory));
  return `${sections.join('\n\n')}\n`;
}
