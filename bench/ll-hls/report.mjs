import { quantile, summarize } from './stats.mjs';
import { ROUNDS, WRK_SECONDS } from './throughput.mjs';

const ms = (v) => (v === undefined ? '–' : String(Math.round(v)));
const s2 = (v) => (v === undefined ? '–' : v.toFixed(2));
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const row = (cells) => `| ${cells.join(' | ')} |`;
const table = (header, rows) => [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');

/**
 * The header of the results: machine, commit, versions, input.
 * @param {Record<string, string>} machine from describeMachine().
 * @param {{ seconds: number, size: string, chromium?: string }} run
 * @returns {string} Markdown.
 */
export function renderHeader(machine, { seconds, size, chromium }) {
  return `## Results

- Run: ${machine.date}, commit \`${machine.commit}\`; ${seconds} s per measured target.
- Machine: ${machine.cpus} × ${machine.cpuModel}, Linux ${machine.kernel}.
- Versions: Node ${machine.node}, ${machine.nginx} + libnginx-mod-rtmp ${machine.nginxRtmp}, ffmpeg ${machine.ffmpeg}, \
Chromium ${chromium ?? '(not started)'}, hls.js ${machine.hlsJs}.
- Input: lavfi testsrc2 ${size} at 30 fps, GOP 2 s, libx264 veryfast zerolatency, AAC; one ffmpeg encoder published \
to both servers with the tee muxer.`;
}

/**
 * The part lag / segment lag section.
 * @param {Array<{ name: string } & import('./lag-meter.mjs').LagResult>} results origin, edge, nginx-rtmp.
 * @returns {string} Markdown.
 */
export function renderLag(results) {
  const goals = { 'Onair origin': 'median ≤ 150, p95 ≤ 300', 'Onair edge': 'origin + ≤ 50', 'nginx-rtmp': '' };
  const rows = results.map((r) => {
    const s = summarize(r.lagsMs);
    const reloads = r.blocking ? 'blocking reload' : 'polled every 5 ms';
    return [
      r.name,
      r.kind ? `${r.kind} lag` : 'nothing listed',
      reloads,
      s.n,
      ms(s.median),
      ms(s.p95),
      ms(s.max),
      goals[r.name] ?? '',
    ];
  });
  const origin = results.find((r) => r.name === 'Onair origin');
  const edge = results.find((r) => r.name === 'Onair edge');
  const edgeAdds = origin && edge ? quantile(edge.lagsMs, 0.5) - quantile(origin.lagsMs, 0.5) : undefined;
  const notes = results.map(
    (r) =>
      `${r.name}: ${r.listed} listed, ${r.untimed} already in the first playlist (left out), ${r.unmatched} without ` +
      `a matching RTMP frame, media time − RTMP timestamp ${ms(r.offsetMs)} ms` +
      (r.errors.length > 0 ? `; errors: ${r.errors.join('; ')}` : ''),
  );
  return `### Part lag / segment lag (ms)

${table(['target', 'measured', 'reloads', 'n', 'median', 'p95', 'max', 'goal'], rows)}

Edge − origin, medians: ${ms(edgeAdds)} ms (goal ≤ 50).

${notes.map((n) => `- ${n}`).join('\n')}`;
}

/**
 * The player latency section.
 * @param {Array<{ name: string } & import('./player.mjs').PlaybackResult>} results
 * @returns {string} Markdown.
 */
export function renderPlayer(results) {
  const rows = results.map((r) => {
    if (r.absent) return [r.name, `absent (levels: ${r.levels.join(', ')})`, '', '', '', '', '', '', '', ''];
    if (!r.started) return [r.name, `did not start ${r.fatal.join(', ')}`, '', '', '', '', '', '', '', ''];
    const latency = summarize(r.latencyS);
    const pdt = summarize(r.pdtLatencyMs.map((v) => v / 1000));
    return [
      r.name,
      r.heights.map((h) => h || '–').join(', '),
      latency.n,
      s2(latency.median),
      s2(latency.p95),
      pdt.n > 0 ? s2(pdt.median) : 'no PDT',
      pdt.n > 0 ? s2(pdt.p95) : '',
      r.waiting > 0 ? `${r.waiting} (at ${r.waitingAtS.join(', ')} s)` : 0,
      r.stalledErrors,
      r.fatal.join(', ') || '0',
    ];
  });
  const header = [
    'target',
    'height played',
    'samples',
    'hls.latency median',
    'p95',
    'by PDT median',
    'p95',
    'waiting (s after start)',
    'BUFFER_STALLED',
    'fatal',
  ];
  return `### Player latency, hls.js lowLatencyMode (s)

${table(header, rows)}

Goal: median by PDT ≤ 2.0 s (transcoded ≤ 3.0 s), 0 stalls. hls.js aims at PART-HOLD-BACK (1.0 s) behind the live \
edge; with its defaults it keeps whatever latency it started at (the time it took to load and start playing is \
added once); "catch-up" rows set \`maxLiveSyncPlaybackRate: 1.5\`, with which it plays faster until it is back at \
its target.`;
}

/**
 * The HTTP throughput section: per resource, medians over the rounds of GETs/s, of the per-round ratio Onair / nginx
 * (its range beside it), of GETs per second of server CPU (what one core serves when the server is the bottleneck),
 * and of each side's and wrk's CPU share.
 * @param {import('./throughput.mjs').ThroughputResult} result
 * @returns {string} Markdown.
 */
export function renderThroughput(result) {
  const median = (values) => quantile(values, 0.5);
  const share = (runs, key) => `${Math.round((100 * median(runs.map((r) => r[key]))) / WRK_SECONDS)} %`;
  const rows = [
    ['live media playlist', result.playlist, '≥ 0.7'],
    ['complete segment', result.segment, '≥ 1.0'],
  ].map(([name, r, goal]) => {
    const onair = r.rounds.map((x) => x.onair);
    const nginx = r.rounds.map((x) => x.nginx);
    const ratios = r.rounds.map((x) => x.onair.requestsPerS / x.nginx.requestsPerS);
    const perCore = (runs) => median(runs.map((x) => x.requestsPerS * (WRK_SECONDS / x.serverCpuS)));
    return [
      name,
      r.bytes,
      Math.round(median(onair.map((x) => x.requestsPerS))),
      Math.round(median(nginx.map((x) => x.requestsPerS))),
      `**${median(ratios).toFixed(2)}** (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
      goal,
      `${Math.round(perCore(onair))} / ${Math.round(perCore(nginx))} = ${(perCore(onair) / perCore(nginx)).toFixed(2)}`,
      `${share(onair, 'serverCpuS')} / ${share(nginx, 'serverCpuS')}`,
      `${share(onair, 'wrkCpuS')} / ${share(nginx, 'wrkCpuS')}`,
      `${median(onair.map((x) => x.p99Ms)).toFixed(2)} / ${median(nginx.map((x) => x.p99Ms)).toFixed(2)}`,
      `${onair.reduce((a, x) => a + x.errors, 0)} / ${nginx.reduce((a, x) => a + x.errors, 0)}`,
    ];
  });
  const header = [
    'resource',
    'bytes',
    'Onair GETs/s',
    'nginx GETs/s',
    'Onair / nginx (range)',
    'goal',
    'GETs per server CPU-second, Onair / nginx',
    'server CPU, Onair / nginx',
    'wrk CPU, Onair run / nginx run',
    'latency p99 ms, Onair / nginx',
    'errors',
  ];
  return `### HTTP throughput (wrk -t1 -c64 -d${WRK_SECONDS}s, keep-alive, ${ROUNDS} interleaved rounds; server on CPU 0, wrk on CPU 1)

${table(header, rows)}

Medians over the rounds. A server CPU near 100 % means the server was the bottleneck; a wrk CPU near 100 %, the \
client (then the GETs per server CPU-second say more than the GETs/s).`;
}

/**
 * The held blocking requests section.
 * @param {import('./held-requests.mjs').HeldResult} result
 * @returns {string} Markdown.
 */
export function renderHeld(result) {
  const rows = result.batches.map((b, i) => [
    i + 1,
    b.target,
    `${b.answered}${b.failed > 0 ? ` (+${b.failed} failed)` : ''}`,
    b.expected,
    Object.entries(b.statuses)
      .map(([status, n]) => `${status}×${n}`)
      .join(' '),
    ms(b.holdMs),
    ms(b.spreadMs.median),
    ms(b.spreadMs.p95),
    ms(b.spreadMs.max),
    `${mb(b.rssBytes.before)} / ${mb(b.rssBytes.peak)} / ${mb(b.rssBytes.after)}`,
    ms(b.clientCpuMs),
  ]);
  const header = [
    'batch',
    'part (msn.part)',
    'answered',
    'listing it',
    'statuses',
    'held ms',
    'spread p50 ms',
    'p95',
    'max',
    'relay RSS MB before / peak / after',
    'client CPU ms',
  ];
  const rss = result.rssBytes;
  return `### Held blocking requests (relay on CPU 0, client on CPU 1)

${result.connections.opened} connections open (${result.connections.failed} failed). Relay RSS: ${mb(rss.start)} MB \
before, ${mb(rss.open)} MB with the connections idle, ${mb(rss.end)} MB 1 s after they closed.

${table(header, rows)}

"held": from writing the batch to the first answer; "spread": each answer after the first, which is when the relay \
had the part. Goal: every answer ≤ 50 ms after its part arrives, memory flat.

**Floor** (the machine's own cost of answering this many at once): a raw \`net\` server on CPU 0, no HTTP and no \
JS beyond a loop, writing the relay's answer (${result.floor.connections.opened} connections) to every connection \
at once, read by the same client: spread p50 / p95 / max per batch ${result.floor.spreadsMs
    .map((x) => `${ms(x.median)} / ${ms(x.p95)} / ${ms(x.max)}`)
    .join('; ')} ms.`;
}

/**
 * What the services of the lag and player stack logged at warn level or above (an ffmpeg restart, an upstream
 * re-subscribe…), counted by line: what may explain an outlier in the figures above.
 * @param {string[]} warnings "<service>: <msg>" lines.
 * @returns {string} Markdown.
 */
export function renderWarnings(warnings) {
  const counts = new Map();
  for (const w of warnings) counts.set(w, (counts.get(w) ?? 0) + 1);
  const lines = [...counts].map(([w, n]) => `- ${w}${n > 1 ? ` ×${n}` : ''}`);
  return `### Service warnings during the lag and player parts

${lines.length > 0 ? lines.join('\n') : 'None.'}`;
}
