#!/usr/bin/env node
/**
 * The receiving end of a hop: `node bench/grpc-hops/hop-client.mjs --target HOST:PORT [--messages 300]
 * [--warm-up 30] [--interval-ms 10] [--flow-control-window BYTES] [--only parts,small]
 * [--formats protobuf,JSON]`. Against hop-server.mjs it receives every message of the bench, one kind and
 * format at a time, and prints on stdout, as JSON, the one-way time of each: `process.hrtime.bigint()` when the
 * message came out of grpc-js (deserialised, in the 'data' handler) less the server's, just before it was written
 * (before it was serialised). Both read CLOCK_MONOTONIC, which every process and container of one Linux host shares.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { makeGenericClientConstructor } from '@grpc/grpc-js';
import { createClient } from '@onair/grpc-kit';
import { onair, PART_SIZES } from './messages.mjs';
import { FORMATS, hopDefinition, jsonMediaDefinition, SMALL_KINDS, watchMethod } from './hop-service.mjs';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    messages: { type: 'string', default: '300' },
    'warm-up': { type: 'string', default: '30' },
    'interval-ms': { type: 'string', default: '10' },
    'flow-control-window': { type: 'string' },
    only: { type: 'string', default: 'parts,small' },
    formats: { type: 'string', default: FORMATS.join(',') },
  },
});
if (!values.target) {
  console.error('usage: node bench/grpc-hops/hop-client.mjs --target HOST:PORT [--messages N] [--warm-up N]');
  process.exit(2);
}
const messages = Number(values.messages);
const warmUp = Number(values['warm-up']);
const intervalMs = Number(values['interval-ms']);

/** The relay's upstream channel options (services/relay/src/upstream/media-client.ts), over createClient's own. */
const CHANNEL_OPTIONS = { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 5000 };
/** `--flow-control-window`: grpc-js's HTTP/2 receive window (`grpc-node.flow_control_window`), else its 65,535. */
const window = values['flow-control-window'];
if (window !== undefined) CHANNEL_OPTIONS['grpc-node.flow_control_window'] = Number(window);
/** `--only`: "parts", "small" (danmaku, chat and telemetry) or single kinds; `--formats`: protobuf, JSON. */
const only = new Set(values.only.split(','));
const formats = FORMATS.filter((f) => values.formats.split(',').includes(f));
const clientOf = (definition, name) =>
  createClient(makeGenericClientConstructor(definition, name), values.target, CHANNEL_OPTIONS);
const media = createClient(onair().media.v1.MediaService, values.target, CHANNEL_OPTIONS);
const jsonMedia = clientOf(jsonMediaDefinition(), 'JsonMedia');
const hop = clientOf(hopDefinition(), 'Hop');

/** Calls a unary method of onair.bench.v1.Hop, bounded by a deadline. */
function hopCall(name, request) {
  const deadline = new Date(Date.now() + 120_000);
  return new Promise((resolve, reject) =>
    hop[name](request, { deadline }, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

/** Tells the server the message `key` arrived (see hop-service.mjs); not awaited. */
function ack(key) {
  hop.Ack({ key }, { deadline: new Date(Date.now() + 10_000) }, () => undefined);
}

/**
 * Follows a server stream: `ready` resolves at the first message `isReady` accepts, `ended` when the call ends.
 * `onMessage` gets each message with the time it came out of grpc-js, taken first thing.
 */
function follow(call, isReady, onMessage) {
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));
  const ended = new Promise((resolve, reject) => {
    call.on('data', (msg) => {
      const at = process.hrtime.bigint();
      if (isReady(msg)) markReady();
      else onMessage(msg, at);
    });
    call.on('end', resolve);
    call.on('error', reject);
  });
  return { ready: Promise.race([ready, ended]), ended };
}

/** One-way times, µs, of the messages after the warm-up: [sent ns, received ns] pairs. */
function oneWayUs(pairs) {
  const measured = pairs.slice(warmUp);
  const lost = measured.filter(([, received]) => received === undefined).length;
  if (lost > 0) throw new Error(`${lost} of ${measured.length} messages not received`);
  return measured.map(([sent, received]) => Number(received - BigInt(sent)) / 1000);
}

/** Parts of `bytes` over MediaService.Subscribe (protobuf) or the same handler with JSON events. */
async function partRun(bytes, format) {
  const room = `hop-${bytes}-${format}-${randomUUID().slice(0, 8)}`;
  await hopCall('Open', { room, initBytes: 800 });
  const call = (format === 'protobuf' ? media : jsonMedia).Subscribe({ room });
  const received = new Map();
  const stream = follow(
    call,
    (msg) => Boolean(msg.initSegment),
    (msg, at) => {
      if (!msg.part) return;
      received.set(Number(msg.part.partSequence), at);
      ack(`${room}:${msg.part.partSequence}`);
    },
  );
  await stream.ready;
  const { sentNs } = await hopCall('Feed', { room, bytes, count: warmUp + messages, intervalMs });
  await stream.ended;
  return oneWayUs(sentNs.map(([sequence, sent]) => [sent, received.get(sequence)]));
}

/** Messages of a small kind over its Watch method in `format`. */
async function smallRun(kind, format) {
  const run = randomUUID();
  const times = [];
  let first = true;
  const isReady = () => (first ? !(first = false) : false);
  const stream = follow(hop[watchMethod(kind, format)]({ run }), isReady, (msg, at) => {
    ack(`${run}:${times.length}`);
    times.push(at);
  });
  await stream.ready;
  const { sentNs } = await hopCall('Send', { run, count: warmUp + messages, intervalMs });
  await stream.ended;
  return oneWayUs(sentNs.map((sent, i) => [sent, times[i]]));
}

const results = {};
for (const bytes of only.has('parts') ? PART_SIZES : []) {
  for (const format of formats) {
    results[`part-${bytes}/${format}`] = await partRun(bytes, format);
    console.error(`[grpc-hops] client: part-${bytes} ${format} done`);
  }
}
for (const kind of SMALL_KINDS.filter((k) => only.has('small') || only.has(k))) {
  for (const format of formats) {
    results[`${kind}/${format}`] = await smallRun(kind, format);
    console.error(`[grpc-hops] client: ${kind} ${format} done`);
  }
}
console.log(JSON.stringify(results));
for (const client of [media, jsonMedia, hop]) client.close();
