import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

setFlagsFromString('--expose-gc');
/** A full garbage collection (`gc()` of --expose-gc, taken from a fresh context). */
const collectGarbage = runInNewContext('gc');

/** Keeps results alive so that no call can be optimised away. */
const sink = [undefined];

/**
 * Times `fn(arg)` call by call with `process.hrtime.bigint()` (CLOCK_MONOTONIC, ns), after `warmUp` untimed calls
 * (V8 has then optimised the code paths).
 * @returns {Timing}
 */
function timeEach(fn, arg, iterations, warmUp) {
  collectGarbage();
  for (let i = 0; i < warmUp; i++) sink[0] = fn(arg);
  const ns = new Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    sink[0] = fn(arg);
    ns[i] = Number(process.hrtime.bigint() - t0);
  }
  return { n: iterations, median: quantile(ns, 0.5) / 1000, p99: quantile(ns, 0.99) / 1000 };
}

/**
 * What the clock itself adds to every timed call: the median of `iterations` intervals between two back-to-back
 * `process.hrtime.bigint()` calls, µs. It is left in the figures (not subtracted).
 */
export function timerOverheadUs(iterations = 100_000) {
  return timeEach(() => undefined, undefined, iterations, 1000).median;
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
 * proto-loader serializer, as grpc-js calls it) and JSON (bytes as base64), one message and format at a time in
 * this process (run it pinned to one CPU).
 * @param {{ iterations: number, warmUp: number, log: (msg: string) => void }} options
 * @returns {SerialisationResult[]}
 */
export function measureSerialisation({ iterations, warmUp, log }) {
  const messages = benchMessages();
  // Every message and format once around before any is timed: the allocator's thresholds (glibc raises its mmap
  // threshold after the first large free) are then where a long-running service has them, whatever the order.
  for (const m of messages) {
    for (const codec of [m.protobuf, m.json]) timeEach((msg) => codec.decode(codec.encode(msg)), m.message, 1, warmUp);
  }
  const results = [];
  for (const m of messages) {
    const result = { name: m.name, kind: m.kind, method: m.method };
    for (const [key, codec] of [
      ['protobuf', m.protobuf],
      ['json', m.json],
    ]) {
      checkRoundTrip(m.name, codec, m.message);
      const bytes = codec.encode(m.message);
      const encode = timeEach(codec.encode, m.message, iterations, warmUp);
      const decode = timeEach(codec.decode, bytes, iterations, warmUp);
      result[key] = { bytes: bytes.length, encode, decode };
      log(`serialisation: ${m.name}, ${codec.format}: ${bytes.length} B, encode ${encode.median.toFixed(2)} µs`);
    }
    results.push(result);
  }
  sink[0] = undefined;
  return results;
}
