const MiB = 2 ** 20;
/** Growth over the final window above which a service's memory does not count as flat (the bar). */
const FLAT = 0.05;

/**
 * The soak's results as Markdown: the machine, the load, memory per service (baseline after warm-up, final, growth
 * against the 5 % bar), LL-HLS viewers (parts, stalls, longest wait for a part), danmaku/chat (accepted, lost,
 * doubled, reconnects) and the load processes' own CPU.
 * @param {object} results what run.mjs measured.
 * @returns {string}
 */
export function renderResults({ machine, options, input, samples, growth, hls, audit, publishersClosed }) {
  const minutes = (samples.at(-1)?.atS ?? 0) / 60;
  const rows = growth.map(
    (g) =>
      `| ${g.service} | ${(g.baselineBytes / MiB).toFixed(1)} | ${(g.finalBytes / MiB).toFixed(1)} | ` +
      `${(100 * g.growth).toFixed(1)} % | ${g.growth < FLAT ? 'flat' : '**grew**'} |`,
  );
  const series = samples.map(
    (s) =>
      `| ${s.atS / 60} | ${Object.values(s.stats)
        .reduce((n, v) => n + v.memBytes / MiB, 0)
        .toFixed(0)} | ${Object.values(s.stats)
        .reduce((n, v) => n + v.cpuPercent, 0)
        .toFixed(0)} % | ${s.hls.parts} | ${s.hls.stalls} | ${s.realtime.posted} | ${s.realtime.open} |`,
  );
  return [
    `## Soak: ${minutes} min, ${options.publishers} publishers, ${options.viewers} LL-HLS viewers, ` +
      `${options.sockets} danmaku/chat sockets`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, kernel ${machine.kernel}, load average at start ` +
      `${machine.loadAverage}; commit ${machine.commit}; ${machine.date}. Every publish ${input.size} at ` +
      `${input.fps} fps, ${input.videoKbps} + ${input.audioKbps} kbit/s, source rendition only. Posts: ` +
      `${options['posts-per-sec']}/s in all. Players and sockets reached HAProxy ` +
      (options.via === 'container' ? "at its container's address." : 'on the published ports.'),
    '',
    '### Memory per service (MiB, `docker stats`)',
    '',
    '| service | after warm-up | end | growth | < 5 % |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '### LL-HLS viewers (through HAProxy :8080)',
    '',
    `Parts downloaded ${hls.parts} (${(hls.bytes / MiB).toFixed(0)} MiB); part downloads failed ${hls.partFailures}; ` +
      `playlist requests failed ${hls.playlistFailures}; stalls (no new part for > 4 s) ${hls.stalls}; longest ` +
      `wait for a new part ${hls.maxGapMs} ms. Viewer process CPU ${hls.cpuS.toFixed(0)} s.` +
      (Object.keys(hls.why).length ? ` Failures by cause: ${JSON.stringify(hls.why)}.` : ''),
    '',
    '### Danmaku and chat (through HAProxy :8081/:8082)',
    '',
    `Posted ${audit.posted}, accepted ${audit.accepted}, refused ${audit.refused}; deliveries ${audit.deliveries}; ` +
      `accepted messages a socket never received: ${audit.missing}; received twice: ${audit.duplicates}; ` +
      `reconnects ${audit.reconnects} (recoveries ${audit.recovered}, incomplete ${audit.incomplete}). ` +
      `Socket process CPU ${audit.cpuS.toFixed(0)} s.`,
    '',
    `Publishes closed during the run: ${publishersClosed.length}` +
      (publishersClosed.length ? ` (${publishersClosed.map((c) => c.reason).join('; ')})` : '') +
      '.',
    '',
    '### Over time',
    '',
    '| min | memory, all containers (MiB) | CPU, all containers | parts | stalls | posts | sockets open |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...series,
    '',
  ].join('\n');
}
