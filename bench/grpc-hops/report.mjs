import { benchMessages } from './messages.mjs';

/** Formats µs: one decimal under 100, none above. */
export const us = (v) => (v === undefined ? '–' : v < 100 ? v.toFixed(1) : v.toFixed(0));

/** A Markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * The run's header: command, date, commit, machine, load average, versions.
 * @param {Record<string, string>} machine from describeMachine().
 * @param {{ command: string, pinned: boolean }} run
 */
export function renderHeader(machine, { command, pinned }) {
  return [
    '## Results',
    '',
    `- Command: \`${command}\``,
    `- Run: ${machine.date}, commit \`${machine.commit}\`; load average at the start ${machine.loadAverage}.`,
    `- Machine: ${machine.cpus} × ${machine.cpuModel}, Linux ${machine.kernel}; first touch of fresh memory ` +
      `${machine.pageFaultUs} µs per 4 KiB page (see the README).`,
    `- Versions: Node ${machine.node}, @grpc/grpc-js ${machine.grpcJs}, @grpc/proto-loader ${machine.protoLoader}, ` +
      `protobufjs ${machine.protobufjs}, ffmpeg ${machine.ffmpeg}, ${machine.natsServer}, docker ${machine.docker}.`,
    `- Serialisation ${pinned ? 'pinned to CPU 1 (taskset)' : 'not pinned (no taskset)'}.`,
  ].join('\n');
}

/**
 * The serialisation table: per message, encoded size and per-call encode and decode times, protobuf then JSON.
 * @param {import('./serialisation.mjs').SerialisationResult[]} results
 * @param {{ iterations: number, warmUp: number, timerUs: number }} options
 */
export function renderSerialisation(results, { iterations, warmUp, timerUs }) {
  const rows = results.map((r) => {
    const p = r.protobuf;
    const j = r.json;
    const costRatio = (j.encode.median + j.decode.median) / (p.encode.median + p.decode.median);
    return [
      r.name,
      p.bytes,
      us(p.encode.median),
      us(p.encode.p99),
      us(p.decode.median),
      us(p.decode.p99),
      j.bytes,
      us(j.encode.median),
      us(j.encode.p99),
      us(j.decode.median),
      us(j.decode.p99),
      `${(j.bytes / p.bytes).toFixed(2)} / ${costRatio.toFixed(1)}`,
    ];
  });
  return [
    `### Serialisation: T_ser and T_deser per message (µs per call; ${iterations} calls after ${warmUp} warm-up, ` +
      'in 10 interleaved rounds)',
    '',
    table(
      [
        'message',
        'protobuf bytes',
        'encode median',
        'p99',
        'decode median',
        'p99',
        'JSON bytes',
        'encode median',
        'p99',
        'decode median',
        'p99',
        'JSON ÷ protobuf: bytes / encode+decode',
      ],
      rows,
    ),
    '',
    `protobuf: the method's response serializer and deserializer from proto-loader, as grpc-js calls them. JSON: ` +
      `JSON.stringify of the same object with bytes as base64, to UTF-8, and back (JSON.parse, base64 decoded). ` +
      `The clock adds ${Math.round(timerUs * 1000)} ns to each timed call (left in).`,
  ].join('\n');
}

/** Median and p99 of one-way times, µs; undefined when there are none. */
function oneWay(times) {
  if (!times || times.length === 0) return undefined;
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, median: at(0.5), p99: at(0.99) };
}

/**
 * The transmission table: per message and format, the one-way time T over loopback and between two containers,
 * and T_net = T − (T_ser + T_deser) with the serialisation medians.
 * @param {import('./transmission.mjs').TransmissionResult} result
 * @param {import('./serialisation.mjs').SerialisationResult[] | undefined} serialisation
 * @param {{ messages: number, warmUp: number, intervalMs: number }} options
 */
export function renderTransmission(result, serialisation, { messages, warmUp, intervalMs }) {
  const described = new Map(benchMessages().map((m) => [m.kind, m]));
  const rows = [];
  for (const key of Object.keys(result.loopback)) {
    const [kind, format] = key.split('/');
    const s = serialisation?.find((r) => r.kind === kind)?.[format === 'JSON' ? 'json' : 'protobuf'];
    const serdes = s && s.encode.median + s.decode.median;
    const cells = [result.loopback[key], result.containers?.[key]]
      .map(oneWay)
      .flatMap((t) => [us(t?.median), us(t?.p99), t && serdes !== undefined ? us(t.median - serdes) : '–']);
    const m = described.get(kind);
    const bytes = (format === 'JSON' ? m.json : m.protobuf).encode(m.message).length;
    rows.push([m.name, format, bytes, serdes === undefined ? '–' : us(serdes), ...cells]);
  }
  const header = ['message', 'format', 'bytes', 'T_ser + T_deser', 'loopback T median', 'p99', 'T_net'];
  header.push('containers T median', 'p99', 'T_net');
  return [
    `### Transmission: one-way T = T_ser + T_net + T_deser per message (µs; ${messages} messages, on loopback in ` +
      `3 rounds, after ${warmUp} warm-up each time, each sent ${intervalMs} ms after the one before arrived)`,
    '',
    table(header, rows),
    '',
    'T: from just before the server wrote the message (before grpc-js serialised it) to when it came out of the ' +
      "client's grpc-js (deserialised), both read from CLOCK_MONOTONIC; server on CPU 0, client on CPU 1. Parts go " +
      'through MediaHub and the real MediaService.Subscribe handler. T_ser + T_deser: the medians of the ' +
      'serialisation table; T_net = median T − that (a difference of medians, not a median).',
    ...(result.containersSkipped ? ['', `Containers: ${result.containersSkipped}.`] : []),
  ].join('\n');
}

/**
 * The danmaku's one-way time by how long the receiver idled before it.
 * @param {import('./transmission.mjs').TransmissionResult} result
 */
export function renderIdleGaps(result) {
  const rows = result.idleGaps.map(({ gapMs, times }) => {
    const t = oneWay(times);
    return [gapMs, t?.n ?? 0, us(t?.median), us(t?.p99)];
  });
  return [
    '### Danmaku (protobuf) on loopback by the idle time before it (µs)',
    '',
    table(['sent this long after the one before arrived, ms', 'messages', 'T median', 'p99'], rows),
    '',
    "The same 144 bytes: what grows with the gap is waking the receiver's idle CPU and event loop (and the " +
      "sender's), not the transfer.",
  ].join('\n');
}

/**
 * The parts on loopback with grpc-js's default receive window and with the raised one, side by side.
 * @param {import('./transmission.mjs').TransmissionResult} result
 * @param {number} windowBytes
 */
export function renderWindow(result, windowBytes) {
  const described = new Map(benchMessages().map((m) => [m.kind, m]));
  const rows = Object.keys(result.loopbackWindow).map((key) => {
    const [kind, format] = key.split('/');
    const before = oneWay(result.loopback[key]);
    const after = oneWay(result.loopbackWindow[key]);
    return [described.get(kind).name, format, us(before?.median), us(before?.p99), us(after?.median), us(after?.p99)];
  });
  return [
    `### Parts on loopback: grpc-js's receive window, 65,535 bytes (default) or ${windowBytes} bytes (µs)`,
    '',
    table(['message', 'format', 'default T median', 'p99', 'raised T median', 'p99'], rows),
    '',
    `Raised: the client's \`grpc-node.flow_control_window\` channel option (the relays' upstream clients do not set ` +
      'it). With the default, a message over 64 KiB waits for WINDOW_UPDATEs from the receiver as it is sent. ' +
      'The two took turns, three rounds each.',
  ].join('\n');
}

/** Formats ms with one decimal. */
const ms = (v) => (v === undefined ? '–' : v.toFixed(1));

/** The hops of the media path, from one point to the next (keys of PartTimes), then the side branches. */
const HOPS = [
  ['published', 'nextFrame', 'publisher → ingest: the frame after the part (its last frame gets a duration)'],
  ['nextFrame', 'ingest', "ingest: part cut and remuxed, on ingest's MediaService"],
  ['ingest', 'originGrpc', "ingest → origin relay, on the origin's MediaService"],
  ['originGrpc', 'edgePlaylist', "origin → edge relay, in the edge's LL-HLS playlist"],
  ['edgePlaylist', 'player', 'edge → player, part downloaded'],
  ['published', 'player', '**whole path, publisher → player**'],
  ['ingest', 'originPlaylist', "*side:* ingest → origin relay, in the origin's LL-HLS playlist"],
  ['originPlaylist', 'edgePlaylist', '*side:* origin playlist → edge playlist'],
  ['originGrpc', 'edgeGrpc', "*side:* origin → edge relay, on the edge's MediaService"],
];

/** p50 and p99 (nearest rank) of `values`. */
function p50p99(values) {
  if (values.length === 0) return [undefined, undefined];
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return [at(0.5), at(0.99)];
}

/**
 * The media path table: per hop, what it adds to a part's latency (per part, then p50 and p99) and where the part
 * is then since the publisher sent its last frame.
 * @param {import('./media-path.mjs').MediaPathResult} result
 * @param {{ seconds: number }} options
 */
export function renderMediaPath(result, { seconds }) {
  const { parts } = result;
  const rows = HOPS.map(([from, to, name]) => {
    const added = parts.filter((p) => p[from] !== undefined && p[to] !== undefined).map((p) => p[to] - p[from]);
    const since = parts.filter((p) => p.published !== undefined && p[to] !== undefined).map((p) => p[to] - p.published);
    const [addedP50, addedP99] = p50p99(added);
    const [sinceP50, sinceP99] = p50p99(since);
    return [name, added.length, ms(addedP50), ms(addedP99), ms(sinceP50), ms(sinceP99)];
  });
  const [bytesP50] = p50p99(parts.map((p) => p.bytes).filter((b) => b !== undefined));
  const maxBytes = Math.max(0, ...parts.map((p) => p.bytes ?? 0));
  const subscriptions = Object.entries(result.subscriptions)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return [
    `### Media path: what each hop adds to a part (ms; source rendition, ${seconds} s)`,
    '',
    table(['hop', 'parts', 'added p50', 'p99', 'since the publisher p50', 'p99'], rows),
    '',
    `${parts.length} parts (median ${bytesP50 ?? '–'} bytes, largest ${maxBytes}); media time − RTMP timestamp ` +
      `${ms(result.offsetMs)} ms; MediaService subscriptions (1 = never broken): ${subscriptions}.`,
    `Errors: ${result.errors.length === 0 ? 'none' : result.errors.join('; ')}. Service warnings: ` +
      `${result.warnings.length === 0 ? 'none' : result.warnings.join('; ')}.`,
  ].join('\n');
}
