import { quantile } from '../ll-hls/stats.mjs';
import { benchMessages } from './messages.mjs';

/**
 * @typedef {object} Timing per-call times of one operation, µs.
 * @property {number} n calls timed.
 * @property {number} median
 * @property {number} p99
 *
 * @typedef {object} FormatCost what one format costs for one message.
 * @property {number} bytes encoded size (the gRPC message; grpc-js adds a 5-byte prefix on the wire).
 * @property {Timing} encode
 * @property {Timing} decode
 *
 * @typedef {object} SerialisationResult
 * @property {string} name
 * @property {string} kind
 * @property {string} method
 * @property {FormatCost} protobuf
 * @property {FormatCost} json
 */

/** Rounds the timed calls are spread over, every message and operation taking its turn in each. */
const ROUNDS = 10;

/** Keeps results alive so that no call can be optimised away. */
const sink = [undefined];

/**
 * Times `n` calls of `fn(arg)` one by one with `process.hrtime.bigint()` (CLOCK_MONOTONIC, ns) into `ns`, after
 * `warmUp` untimed ones.
 */
function timeCalls(fn, arg, n, warmUp, ns) {
  for (let i = 0; i < warmUp; i++) sink[0] = fn(arg);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    sink[0] = fn(arg);
    ns.push(Number(process.hrtime.bigint() - t0));
  }
}

/** Median and p99 of per-call times in ns, as µs. */
const timing = (ns) => ({ n: ns.length, median: quantile(ns, 0.5) / 1000, p99: quantile(ns, 0.99) / 1000 });

/**
 * What the clock itself adds to every timed call: the median of `iterations` intervals between two back-to-back
 * `process.hrtime.bigint()` calls, µs. It is left in the figures (not subtracted).
 */
export function timerOverheadUs(iterations = 100_000) {
  const ns = [];
  timeCalls(() => undefined, undefined, iterations, 1000, ns);
  return timing(ns).median;
}

/** `value` with object keys sorted, Buffers as hex and the oneof name (`event`) dropped, for comparing. */
function canonical(value) {
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).filter((k) => k !== 'event' || typeof value[k] !== 'string');
  return Object.fromEntries(keys.sort().map((k) => [k, canonical(value[k])]));
}

/** Checks that `codec` gives back what it was given. */
function checkRoundTrip(name, codec, message) {
  const back = codec.decode(codec.encode(message));
  if (JSON.stringify(canonical(back)) !== JSON.stringify(canonical(message))) {
    throw new Error(`${name} (${codec.format}): what was decoded differs from what was encoded`);
  }
}

/**
 * Encode and decode times and encoded size of every message of {@link benchMessages}, protobuf (the method's
 * proto-loader serializer, as grpc-js calls it) and JSON (bytes as base64), in this process (run it pinned to one
 * CPU). Every message, format and operation first gets `warmUp` untimed calls; then the `iterations` timed calls
 * of each are spread over {@link ROUNDS} rounds in which each takes its turn (after `warmUp / ROUNDS` untimed
 * calls), so that what one leaves behind (garbage, grown or trimmed heaps, the allocator's thresholds) falls on
 * every one alike rather than on whichever comes first or after the largest.
 * @param {{ iterations: number, warmUp: number, log: (msg: string) => void }} options
 * @returns {SerialisationResult[]}
 */
export function measureSerialisation({ iterations, warmUp, log }) {
  const tasks = [];
  const results = benchMessages().map((m) => {
    const result = { name: m.name, kind: m.kind, method: m.method };
    for (const [key, codec] of [
      ['protobuf', m.protobuf],
      ['json', m.json],
    ]) {
      checkRoundTrip(m.name, codec, m.message);
      const bytes = codec.encode(m.message);
      const cost = { bytes: bytes.length, encodeNs: [], decodeNs: [] };
      result[key] = cost;
      tasks.push({ fn: codec.encode, arg: m.message, ns: cost.encodeNs });
      tasks.push({ fn: codec.decode, arg: bytes, ns: cost.decodeNs });
    }
    return result;
  });
  for (const t of tasks) timeCalls(t.fn, t.arg, 0, warmUp, t.ns);
  const perRound = Math.ceil(iterations / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    log(`serialisation: round ${round + 1} of ${ROUNDS}`);
    for (const t of tasks) timeCalls(t.fn, t.arg, perRound, Math.ceil(warmUp / ROUNDS), t.ns);
  }
  sink[0] = undefined;
  for (const result of results) {
    for (const key of ['protobuf', 'json']) {
      const { bytes, encodeNs, decodeNs } = result[key];
      result[key] = { bytes, encode: timing(encodeNs), decode: timing(decodeNs) };
    }
  }
  return results;
}
