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
    `### Serialisation: T_ser and T_deser per message (µs per call; ${iterations} calls after ${warmUp} warm-up)`,
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
