import { quantile } from '../ll-hls/stats.mjs';
import { CHAT_NODE_ARGS } from './chat-stack.mjs';
import { LOAD_CPU, SERVER_CPU } from './part.mjs';

/** The target of accepted posts per second per instance. */
const TARGET_POSTS_PER_S = 5000;

// Cell and table helpers, also used by ../danmaku/report.mjs.

export const int = (v) => Math.round(v).toLocaleString('en-US');
export const pct = (v) => `${Math.round(v)} %`;
const row = (cells) => `| ${cells.join(' | ')} |`;
export const table = (header, rows) => [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
const sum = (values) => values.reduce((a, b) => a + b, 0);
export const counts = (byKey) =>
  Object.keys(byKey).length === 0
    ? 'none'
    : Object.entries(byKey)
        .map(([key, n]) => `${key} × ${int(n)}`)
        .join(', ');
export const mark = (ok) => (ok ? '✅' : '❌');

/** A counter of an instance per second over the window; "–" when the instance did not answer /metrics. */
function counterRate(r, name, key) {
  const value = r.counters[name][key];
  return value === undefined ? undefined : value / r.spanS;
}
const maybeInt = (v) => (v === undefined ? '–' : int(v));

/** Room frames delivered per WebSocket frame written by instance `name` over the window (batching), or "–". */
function itemsPerFrame(r, name) {
  const { deliveries, frames } = r.counters[name];
  return deliveries === undefined || !frames ? '–' : (deliveries / frames).toFixed(1);
}

/** A latency in ms, to 0.1 ms below 100 ms, else whole ms. */
export function latencyMs(v) {
  return v < 100 ? v.toFixed(1) : int(v);
}

/** A quantile of a latency summary; one that lies among the deliveries that never came is "> wait". */
export function quantileCell(v, waitedS) {
  return v === undefined ? `> ${waitedS.toFixed(0)} s (not arrived)` : latencyMs(v);
}

/** A process's CPU over a window, % of one core; "–" for a process the setup did not have. */
export const cpuCell = (cpu, name) => (cpu.pct[name] === undefined ? '–' : pct(cpu.pct[name]));
/** Each CPU's busy share over a window: "100 % / 77 %". */
export const busyCell = (cpu) => cpu.busyPct.map(pct).join(' / ');

/** /healthz answer times of one instance: "p50 / max" ms. */
export function healthCell(times) {
  if (times.length === 0) return '–';
  return `${latencyMs(quantile(times, 0.5))} / ${latencyMs(Math.max(...times))}`;
}

function header(machine, run) {
  const changed = machine.changedFiles;
  const tree = changed > 0 ? ` plus ${changed} uncommitted changes in services/, libs/ or proto/` : '';
  const nodeArgs = CHAT_NODE_ARGS.length > 0 ? CHAT_NODE_ARGS.join(' ') : 'none';
  return `## Results

- Run: ${machine.date}, commit \`${machine.commit}\`${tree}; \`${run.command}\`.
- Machine: ${machine.cpus} × ${machine.cpuModel}, Linux ${machine.kernel}; load average at the start \
${machine.loadAverage}.
- Versions: Node ${machine.node}, nats-server ${machine.natsServer}, ws ${machine.ws} (server and load), \
@nats-io/nats-core ${machine.natsCore}.
- Servers: nats-server with JetStream and chat from \`services/chat/dist/main.js\` (Node.js options from its \
package.json: ${nodeArgs}), every thread pinned to CPU ${SERVER_CPU} (\`taskset -a -p\`) unless a row says otherwise; \
the load, one Node process (load-client.mjs, \`ws\`), alone on CPU ${LOAD_CPU}.`;
}

function latencySection(results) {
  const first = results[0].options;
  const rows = results.map((r) => {
    const s = r.status;
    const l = s.latency;
    return [
      int(r.options.rate),
      int(s.sent.m ?? 0),
      r.perSocketRate.toFixed(2),
      `${int(l.n)} / ${int(l.expected)} (${((100 * l.n) / Math.max(1, l.expected)).toFixed(1)} %)`,
      ...[l.p50, l.p90, l.p99, l.p999].map((v) => quantileCell(v, r.drainedS)),
      l.max === undefined ? '–' : latencyMs(l.max),
      r.drainedS.toFixed(0),
    ];
  });
  const latencyHead = [
    'posts/s offered',
    'posts sent (measured)',
    'per socket /s',
    'deliveries arrived / expected',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'p99.9 ms',
    'max ms (arrived)',
    'waited after, s',
  ];
  const names = Object.keys(results[0].counters);
  const arrived = (status) => sum(Object.values(status.received));
  const deliveredPerS = (r) => (arrived(r.endStatus) - arrived(r.startStatus)) / r.spanS;
  /** The load's CPU per delivery it read, µs. */
  const loadUsPerDelivery = (r) => (1e4 * r.cpu.pct.load) / deliveredPerS(r);
  const resourceRows = results.map((r) => {
    return [
      int(r.options.rate),
      int(deliveredPerS(r)),
      `${int((100 * deliveredPerS(r)) / (r.options.rate * r.options.viewers))} %`,
      names.map((name) => maybeInt(counterRate(r, name, 'accepted'))).join(' / '),
      names.map((name) => itemsPerFrame(r, name)).join(' / '),
      names.map((name) => healthCell(r.healthMs[name])).join('; '),
      ...[...names, 'nats', 'load'].map((name) => cpuCell(r.cpu, name)),
      pct(r.loadEventLoopPct),
      loadUsPerDelivery(r).toFixed(1),
      busyCell(r.cpu),
    ];
  });
  const resourceHead = [
    'posts/s offered',
    'deliveries/s to sockets',
    'of offered',
    `accepted/s ${names.join(' / ')}`,
    `items per frame ${names.join(' / ')}`,
    `/healthz answer p50 / max ms, ${names.join('; ')}`,
    ...names.map((name) => `${name} CPU`),
    'nats-server CPU',
    'load CPU',
    'load event loop busy',
    'load CPU per delivery, µs',
    'CPU 0 / CPU 1 busy',
  ];
  const spreads = results
    .map((r) => `${((r.options.viewers * loadUsPerDelivery(r)) / 1000).toFixed(0)} ms at ${int(r.options.rate)}/s`)
    .join(', ');
  const checks = results.map((r) => {
    const s = r.status;
    const limits =
      Object.keys(r.limits).length === 0
        ? 'chat default limits (3/s, burst 5)'
        : Object.entries(r.limits)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ');
    const fewest = Math.min(...s.measured);
    const most = Math.max(...s.measured);
    return `- ${int(r.options.rate)}/s: ${limits}; measured messages per socket: fewest ${int(fewest)}, most \
${int(most)} of ${int(s.sent.m ?? 0)} sent; error frames (warm-up to the end of the wait): ${counts(s.errors)}; \
sockets closed by the server: \
${counts(s.closes)}; live frames out of seq order: ${s.orderViolations}; posts skipped (socket closed): \
${s.skippedPosts}; paced posts sent late by p99 ${latencyMs(s.sendLag.p99 ?? 0)} ms, max \
${latencyMs(s.sendLag.max ?? 0)} ms; instance warnings: ${r.warnings.length === 0 ? 'none' : r.warnings.slice(0, 5).join('; ')}.`;
  });
  return `### 1. Post → receive latency: ${int(first.viewers)} viewers in one room over two instances

${int(first.viewers)} sockets in room \`bench\`, alternately on the two instances (${int(first.viewers / 2)} each), \
every one also posting: each rate below is ${int(first.seconds)} s measured after ${int(first.warmUpS)} s of warm-up, \
on a fresh stack. Latency is receive − send on the load's clock for every (socket, measured message) delivery; \
quantiles are over every expected delivery (each measured post × every socket), a delivery that had not arrived when \
the wait after the window ended ranking last.

${table(latencyHead, rows)}

${table(resourceHead, resourceRows)}

- **deliveries/s to sockets**: bench messages the load received over the window, every socket together; "of offered" \
compares it with posts/s × viewers. **accepted/s**: \`onair_realtime_messages_accepted_total\` of each instance over \
the window. **items per frame**: room frames delivered per WebSocket frame written \
(\`onair_realtime_fanout_deliveries_total\` / \`onair_realtime_fanout_frames_total\`): how many messages a batch \
frame carried on average (the batch window is chat's default, 50 ms).
- **/healthz answer**: a GET every 500 ms per instance over the window; it costs the instance next to nothing, so a \
slow answer is time its event loop was busy with other work first.
- **CPU**: user + system time over the window (/proc/<pid>/stat), % of one core; **CPU busy**: every process on that \
CPU (/proc/stat), so busy above the sum of the processes pinned there is something else that ran. **load event loop \
busy**: \`performance.eventLoopUtilization()\` of the load; near 100 % would make the load, not the servers, the limit.
- **load CPU per delivery**: the load's CPU (its posting and timers included, so at most what reading one costs) over \
the deliveries it read. It reads a message's ${int(first.viewers)} \
deliveries one socket after another, so they span about ${int(first.viewers)} × that on its side alone (${spreads}): \
up to that much of the spread between a message's first and last delivery, about half of it at the median, is the \
load's own queueing, not the servers'. One core for ${int(first.viewers)} viewers is the two-core rule's price.

Checks:

${checks.join('\n')}`;
}

function throughputSection(results) {
  const rows = results.map((r) => {
    const names = r.instances;
    const perInstance = names.map((name) => counterRate(r, name, 'accepted'));
    const perCpuS = names.map((name, i) => perInstance[i] && perInstance[i] / (r.cpu.pct[name] / 100));
    const met = perInstance.every((v) => v !== undefined && v >= TARGET_POSTS_PER_S);
    return [
      r.options.setup.title,
      `${r.posters} × ${r.options.window}`,
      `**${perInstance.map(maybeInt).join(' / ')}** ${mark(met)}`,
      perInstance.includes(undefined) ? '–' : int(sum(perInstance)),
      perCpuS.map(maybeInt).join(' / '),
      ...['chat-1', 'chat-2', 'nats', 'load'].map((name) => cpuCell(r.cpu, name)),
      busyCell(r.cpu),
    ];
  });
  const head = [
    'setup',
    'posters × outstanding',
    `accepted/s per instance (≥ ${int(TARGET_POSTS_PER_S)})`,
    'accepted/s in all',
    'per CPU-second of the instance',
    'chat-1 CPU',
    'chat-2 CPU',
    'nats-server CPU',
    'load CPU',
    'CPU 0 / CPU 1 busy',
  ];
  const checkRows = results.map((r) => {
    const names = r.instances;
    // Sockets are dealt to the instances in turn: socket i is on instance i mod n.
    const live = (status) => names.map((_, k) => status.live.filter((_, i) => i % names.length === k));
    const start = live(r.startStatus);
    const end = live(r.endStatus);
    const seenPerS = names.map((_, k) =>
      r.options.setup.layout === 'one' ? (end[k][0] - start[k][0]) / r.spanS : (sum(end[k]) - sum(start[k])) / r.spanS,
    );
    const l = r.endStatus.latency;
    return [
      r.options.setup.id,
      seenPerS.map(int).join(' / '),
      `${latencyMs(l.p50 ?? 0)} / ${latencyMs(l.p99 ?? 0)} / ${latencyMs(l.max ?? 0)}`,
      names.map((name) => healthCell(r.healthMs[name])).join('; '),
      counts(r.endStatus.errors),
      names.map((name) => maybeInt(r.counters[name].rejected)).join(' / '),
      String(r.leftOutstanding),
      r.warnings.length === 0 ? 'none' : r.warnings.slice(0, 3).join('; '),
    ];
  });
  const checkHead = [
    'setup',
    'posts/s seen delivered, per instance',
    'post → delivery p50 / p99 / max ms',
    '/healthz p50 / max ms',
    'error frames',
    'rejected (/metrics)',
    'posts never back',
    'warnings',
  ];
  const first = results[0].options;
  return `### 2. Accepted posts per second per instance

Each instance has ${first.postersPerInstance} posting sockets; each keeps ${first.window} posts outstanding and posts \
the next as soon as one of its own messages comes back (no frame answers an accepted post) or an error frame answers \
one: pipelined posts, as fast as the stores' acks and the delivery allow. CHAT_RATE_PER_SEC=10000 and \
CHAT_RATE_BURST=${Math.max(5, first.window)} keep the per-connection limit out of the way (the burst is also how many \
posts of a connection may wait for their acks). ${int(first.seconds)} s measured after ${int(first.warmUpS)} s of \
warm-up, each setup on a fresh stack. Accepted/s is \`onair_realtime_messages_accepted_total\` of each instance over \
the window; per CPU-second divides it by the instance's own CPU share.

${table(head, rows)}

${table(checkHead, checkRows)}

- **posts/s seen delivered**: cross-check of the counter from the load's side. A room per poster: the messages that came \
back to the instance's posters; one room: the messages one socket on the instance received (every message of the \
room, from both instances).
- **post → delivery**: receive − send of the measured posts, over the deliveries that arrived (with a full window \
outstanding this is mostly queueing: window ÷ rate).`;
}

/**
 * The results as Markdown: machine, then each part that ran.
 * @param {{ machine: Record<string, string | number>, run: { command: string }, latency:
 *   import('./latency.mjs').LatencyResult[], throughput: import('./throughput.mjs').ThroughputResult[] }} results
 * @returns {string}
 */
export function renderResults({ machine, run, latency, throughput }) {
  const sections = [header(machine, run)];
  if (latency.length > 0) sections.push(latencySection(latency));
  if (throughput.length > 0) sections.push(throughputSection(throughput));
  return `${sections.join('\n\n')}\n`;
}
