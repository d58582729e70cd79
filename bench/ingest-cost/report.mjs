import { quantile } from '../ll-hls/stats.mjs';
import { INGEST_NODE_ARGS, INGEST_WINDOW } from './onair-stack.mjs';

/** The issue's targets per passthrough stream: % of one core, and bytes of ingest memory. */
const TARGET = { cpuPct: 0.5, memoryBytes: 2 * 2 ** 20 };

const MIB = 2 ** 20;
const pct = (v, digits = 1) => `${v.toFixed(digits)} %`;
const mib = (bytes) => (bytes / MIB).toFixed(1);
/** A per-stream memory figure: KiB below 1 MiB, else MiB. */
const memory = (bytes) =>
  Math.abs(bytes) < MIB ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / MIB).toFixed(2)} MiB`;
const mark = (ok) => (ok ? '✅' : '❌');
const row = (cells) => `| ${cells.join(' | ')} |`;
const table = (header, rows) => [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
const median = (values) => quantile(values, 0.5) ?? 0;

/** A window's server CPU, % of one core. */
const cpuPctOf = (w) => (100 * w.serverCpuS) / w.wallS;

/** Per-stream figures of a passthrough row. */
function costs(r) {
  const idleCpuPct = cpuPctOf(r.idle);
  const cpuPct = cpuPctOf(r.window);
  const idleRssBytes = median(r.idle.rssBytes);
  const loadedRssBytes = median(r.window.rssBytes);
  return {
    idleCpuPct,
    cpuPct,
    cpuPerStreamPct: cpuPct / r.streams,
    cpuOverIdlePerStreamPct: (cpuPct - idleCpuPct) / r.streams,
    idleRssBytes,
    loadedRssBytes,
    memoryPerStreamBytes: (loadedRssBytes - idleRssBytes) / r.streams,
    loadCpuPct: (100 * r.window.loadCpuS) / r.window.wallS,
  };
}

function header({ machine, run }) {
  const changed = machine.changedFiles;
  const tree = changed > 0 ? ` plus ${changed} uncommitted changes in services/, libs/ or proto/` : '';
  return `## Results

- Run: ${machine.date}, commit \`${machine.commit}\`${tree}; ${run.publishers} publishers, ${run.warmUpS} s warm-up, \
${run.seconds} s measured per window.
- Machine: ${machine.cpus} × ${machine.cpuModel}, Linux ${machine.kernel}; load average at the start \
${machine.loadAverage}.
- Versions: Node ${machine.node}, ${machine.nginx} + libnginx-mod-rtmp ${machine.nginxRtmp}, ffmpeg ${machine.ffmpeg}, \
nats-server ${machine.natsServer}.
- Input: lavfi testsrc2 1280x720 at 30 fps, libx264 veryfast with B-frames, GOP 2 s, video \
${Math.round(run.inputKbps.video)} kbit/s and AAC ${Math.round(run.inputKbps.audio)} kbit/s as sent; 30 s encoded once, \
replayed in real time and looped by one Node process (publish-load.mjs) over every RTMP connection.
- Pinning: the server alone on CPU 0 (ingest, every thread; nginx's worker); the publisher process, nats-server and \
the relay on CPU 1.`;
}

function passthrough(rows, inputKbps) {
  const windowBytes = (INGEST_WINDOW.segments * INGEST_WINDOW.segmentMs * (inputKbps.video + inputKbps.audio)) / 8;
  const body = rows.map((r) => {
    const c = costs(r);
    return [
      r.name,
      `${r.open}/${r.streams}`,
      `${pct(c.idleCpuPct)} / ${pct(c.cpuPct)}`,
      `**${pct(c.cpuPerStreamPct, 3)}**`,
      pct(c.cpuOverIdlePerStreamPct, 3),
      `${mib(c.idleRssBytes)} / ${mib(c.loadedRssBytes)}`,
      `**${memory(c.memoryPerStreamBytes)}**`,
      `${r.advancing.n}/${r.streams} (${r.advancing.how})`,
      Math.round((8 * r.sentBytes) / r.window.wallS / 1000 / r.streams),
      pct(c.loadCpuPct),
      `${r.window.cpuBusy.map((b) => pct(100 * b, 0)).join(' / ')}`,
    ];
  });
  const head = [
    'server',
    'publishes open',
    'CPU idle / loaded, % of a core',
    'per stream',
    'per stream over idle',
    'RSS idle / loaded MiB',
    'per stream',
    'streams advancing',
    'sent per stream, kbit/s',
    'publisher CPU',
    'CPU 0 / CPU 1 busy',
  ];
  return `### Concurrent passthrough publishes

${table(head, body)}

- **CPU**: the server process's user + system time (/proc/<pid>/stat) per second of wall time, over \
${Math.round(rows[0].idle.wallS)} s before the publishers ("idle") and over the window. Per stream = loaded / \
publishes, what the target is held to; over idle = (loaded − idle) / publishes.
- **RSS**: VmRSS sampled once a second, the median of each window; per stream = (loaded − idle) / publishes. For \
nginx-rtmp both CPU and RSS are its worker's (the master takes no part in streaming).
- **Streams advancing**: seen moving over the window, by the means in brackets.
- **Sent**: what the publishers wrote over the window, per stream (the input is \
${Math.round(inputKbps.video + inputKbps.audio)} kbit/s of media, plus RTMP headers).
- **Publisher CPU**: the one publisher process, on CPU 1; near 100 % would make the load, not the server, the limit.
- **CPU busy**: every process on that CPU together (/proc/stat). CPU 0 busy well above the server's own CPU means \
something else ran beside it.

The relay-following row adds what ingest spends sending every part to one relay (MediaService \`Subscribe\` over \
gRPC), as in any deployment; the no-subscriber row is the one comparable with nginx-rtmp, from which nothing reads \
here. Ingest keeps ${INGEST_WINDOW.segments} complete segment(s) of ~${INGEST_WINDOW.segmentMs / 1000} s of every \
stream, besides the one being cut, for MediaService subscribers that join mid-stream (INGEST_WINDOW_SEGMENTS): at the \
input's bit rate that is ${memory(windowBytes)} per stream, and about half as much again on average for the segment \
being cut. Ingest runs with the Node.js options of its package.json (\`${INGEST_NODE_ARGS.join(' ')}\`), as its \
Dockerfile CMD and \`npm start\` run it.`;
}

/** Child processes seen in a window: "none" or how many. */
const children = (r) => (r.window.childrenSeen.length === 0 ? 'none' : String(r.window.childrenSeen.length));

function targets(onairRows, nginxRow) {
  const n = costs(nginxRow);
  const body = [];
  for (const r of onairRows) {
    const c = costs(r);
    body.push([
      r.name,
      `${pct(c.cpuPerStreamPct, 3)} ${mark(c.cpuPerStreamPct <= TARGET.cpuPct)}`,
      `${(c.cpuPerStreamPct / n.cpuPerStreamPct).toFixed(2)}`,
      `${memory(c.memoryPerStreamBytes)} ${mark(c.memoryPerStreamBytes <= TARGET.memoryBytes)}`,
      `${(c.memoryPerStreamBytes / n.memoryPerStreamBytes).toFixed(1)}`,
      `${r.advancing.n}/${r.streams} ${mark(r.advancing.n === r.streams && r.open === r.streams)}`,
      `${children(r)} ${mark(r.window.childrenSeen.length === 0)}`,
    ]);
  }
  body.push([
    nginxRow.name,
    pct(n.cpuPerStreamPct, 3),
    '1',
    memory(n.memoryPerStreamBytes),
    '1',
    `${nginxRow.advancing.n}/${nginxRow.streams}`,
    children(nginxRow),
  ]);
  const head = [
    '',
    `CPU per stream (≤ ${TARGET.cpuPct} %)`,
    '× nginx-rtmp',
    `memory per stream (≤ ${TARGET.memoryBytes / MIB} MiB)`,
    '× nginx-rtmp',
    'every stream advancing',
    'child processes (none)',
  ];
  return `### Against the targets (the issue: ≤ 0.5 % of a core and ≤ 2 MiB per stream; nginx-rtmp 0.57 % and 60 KiB)

${table(head, body)}`;
}

function transcodeSection(t, followedRow) {
  const w = t.window;
  const idleCpuPct = cpuPctOf(t.idle);
  const ingestCpuPct = cpuPctOf(w);
  const ffmpegCpuPct = (100 * w.childCpuS) / w.wallS;
  const idleRss = median(t.idle.rssBytes);
  const ingestRss = median(w.rssBytes);
  const ffmpegRss = median(w.childRssBytes);
  const addedCpuPct = ingestCpuPct - idleCpuPct + ffmpegCpuPct;
  const addedBytes = ingestRss - idleRss + ffmpegRss;
  const base = costs(followedRow);
  const ffmpegs = w.childrenSeen.length === 1 ? 'ffmpeg, its child' : `ffmpeg (${w.childrenSeen.length} children seen)`;
  const body = [
    ['ingest', `${pct(idleCpuPct)} / ${pct(ingestCpuPct)}`, `${mib(idleRss)} / ${mib(ingestRss)}`],
    [ffmpegs, `– / ${pct(ffmpegCpuPct)}`, `– / ${mib(ffmpegRss)}`],
    ['added by the publish', `**+${pct(addedCpuPct)}**`, `**+${mib(addedBytes)}**`],
  ];
  const renditions = ['source', '480p'].map((r) => `${r} ${mark(t.advancing.includes(r))}`).join(', ');
  return `### One transcoded 480p rendition (\`INGEST_LADDER=source,480p=854x480@1200k\`, one publish, a relay following)

${table(['process (CPU 0)', 'CPU idle / loaded, % of a core', 'RSS idle / loaded MiB'], body)}

Playlists advancing at the relay: ${renditions}. ffmpeg is found with \`pgrep -P\` (its CPU counts when the same \
process was alive at the window's start and end) and shares CPU 0 with ingest. **One 480p rendition costs \
${pct(addedCpuPct - base.cpuOverIdlePerStreamPct)} of a core**: what the publish added, less what a passthrough \
stream adds (${pct(base.cpuOverIdlePerStreamPct, 3)}, the relay-following row above), **and at most \
${mib(addedBytes)} MiB**, what the publish added, ${mib(ffmpegRss)} MiB of it ffmpeg's (one stream's share of \
ingest's RSS is within the noise of its heap, so nothing is taken off).`;
}

function notes({ onair, nginx, transcode }) {
  const counts = new Map();
  for (const w of [...onair.warnings, ...transcode.warnings]) counts.set(w, (counts.get(w) ?? 0) + 1);
  const warnings = [...counts].map(([w, n]) => `  - ${w}${n > 1 ? ` ×${n}` : ''}`);
  const closed = [
    ...onair.closed.map((c) => `Onair #${c.index}: ${c.reason}`),
    ...nginx.closed.map((c) => `nginx-rtmp #${c.index}: ${c.reason}`),
    ...transcode.closed.map((c) => `transcode: ${c.reason}`),
  ];
  const queued = [...onair.rows, ...nginx.rows].map((r) => `${r.name} ${memory(r.maxQueuedBytes)}`).join(', ');
  return `### Checks

- Publish connections closed before the end: ${closed.length === 0 ? 'none' : closed.join('; ')}.
- The most bytes one publisher connection had waiting to be written since the publishes opened (a server that reads \
as fast as the media comes leaves it near 0): ${queued}.
- Warnings logged by ingest and the relay: ${warnings.length === 0 ? 'none' : `\n${warnings.join('\n')}`}`;
}

/**
 * The results as Markdown: header, the passthrough table, the targets, the transcode and the checks.
 * @param {object} results
 * @param {Record<string, string | number>} results.machine describeMachine() plus natsServer, loadAverage and
 *   changedFiles (files changed or added in services/, libs/ and proto/, not committed).
 * @param {{ publishers: number, seconds: number, warmUpS: number, inputKbps: { video: number, audio: number } }}
 *   results.run
 * @param {{ rows: object[], closed: object[], warnings: string[] }} results.onair the no-subscriber and
 *   relay-following rows (bench.mjs's Row).
 * @param {{ rows: object[], closed: object[] }} results.nginx
 * @param {{ idle: import('./measure.mjs').Window, window: import('./measure.mjs').Window, advancing: string[],
 *   closed: object[], warnings: string[] }} results.transcode
 * @returns {string}
 */
export function renderResults({ machine, run, onair, nginx, transcode }) {
  return [
    header({ machine, run }),
    passthrough([...onair.rows, ...nginx.rows], run.inputKbps),
    targets(onair.rows, nginx.rows[0]),
    transcodeSection(transcode, onair.rows[1]),
    notes({ onair, nginx, transcode }),
  ].join('\n\n');
}
