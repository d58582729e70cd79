#!/usr/bin/env node
/**
 * The sending end of a hop: `node bench/grpc-hops/hop-server.mjs [--host 127.0.0.1] [--port 0]`. A gRPC server made
 * as the services make theirs (createGrpcServer of @onair/grpc-kit) serving the real onair.media.v1.MediaService
 * over a MediaHub (mediaServiceHandlers of @onair/media, as ingest and the relays serve it), the same handler with
 * JSON events, and onair.bench.v1.Hop (hop-service.mjs). Prints `{"port":N}` on stdout once listening; stops on
 * SIGTERM or SIGINT.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createGrpcServer } from '@onair/grpc-kit';
import { MediaHub, mediaServiceHandlers } from '@onair/media';
import { createLogger } from '@onair/runtime';
import { benchMessages, partEvent, services } from './messages.mjs';
import { FORMATS, hopDefinition, jsonMediaDefinition, SMALL_KINDS, watchMethod } from './hop-service.mjs';

const { values } = parseArgs({ options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string' } } });
const log = createLogger({ service: 'grpc-hops', level: 'warn' });

/** Parts per segment: 6 × 1/3 s = 2 s segments. */
const PARTS_PER_SEGMENT = 6;
/** Distinct payloads cycled through, made before sending so that making them costs nothing while timed. */
const PAYLOADS = 8;

const hub = new MediaHub({ windowSize: 6, keepRetired: false });
const media = mediaServiceHandlers(hub, log);
const small = Object.fromEntries(benchMessages().map((m) => [m.kind, m.message]));
/** Open watcher calls by run id. */
const watchers = new Map();

/** How long the server waits for a message's Ack, ms. */
const ACK_TIMEOUT_MS = 10_000;
/** Waiters for Acks by key, or `true` for an Ack that came before its waiter. */
const acks = new Map();

/**
 * Resolves once the client acknowledged the message `key` (Ack), so that the next message is sent only after the
 * previous one arrived: each travels alone. Call it before writing the message.
 * @throws Error after ACK_TIMEOUT_MS.
 */
function acked(key) {
  if (acks.get(key) === true) {
    acks.delete(key);
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      acks.delete(key);
      reject(new Error(`no Ack for ${key} within ${ACK_TIMEOUT_MS} ms`));
    }, ACK_TIMEOUT_MS);
    acks.set(key, () => {
      clearTimeout(timer);
      acks.delete(key);
      resolve();
    });
  });
}

/** A unary handler from an async function of the request. */
const unary = (fn) => (call, callback) =>
  fn(call.request).then(
    (res) => callback(null, res),
    (err) => callback({ code: 13, details: String(err) }),
  );

const hop = {
  Open: unary(async ({ room, initBytes }) => {
    hub.start({
      room,
      publishId: randomUUID(),
      startedAtMs: Date.now(),
      renditions: [
        {
          name: 'source',
          codecs: 'avc1.64001f,mp4a.40.2',
          bandwidth: 2_700_000,
          width: 1280,
          height: 720,
          frameRate: 30,
        },
      ],
      targetSegmentDurationMs: 2000,
      partTargetMs: 334,
    });
    hub.apply(room, { event: 'initSegment', initSegment: { rendition: 'source', data: randomBytes(initBytes) } });
    return {};
  }),
  Feed: unary(async ({ room, bytes, count, intervalMs }) => {
    const payloads = Array.from({ length: PAYLOADS }, () => partEvent(bytes).part.data);
    const sentNs = [];
    for (let i = 0; i < count; i++) {
      const numbering = {
        partSequence: i + 1,
        segmentSequence: Math.floor(i / PARTS_PER_SEGMENT),
        partIndex: i % PARTS_PER_SEGMENT,
      };
      const event = partEvent(0, numbering);
      event.part.data = payloads[i % PAYLOADS];
      const ack = acked(`${room}:${numbering.partSequence}`);
      const t = process.hrtime.bigint();
      hub.apply(room, event);
      sentNs.push([numbering.partSequence, Number(t)]);
      await ack;
      if (numbering.partIndex === PARTS_PER_SEGMENT - 1) {
        const segmentEnd = { rendition: 'source', segmentSequence: numbering.segmentSequence, durationMs: 2000 };
        hub.apply(room, { event: 'segmentEnd', segmentEnd });
      }
      await sleep(intervalMs);
    }
    hub.end(room, 'bench done');
    return { sentNs };
  }),
  Ack: unary(async ({ key }) => {
    const waiter = acks.get(key);
    if (typeof waiter === 'function') waiter();
    else acks.set(key, true);
    return {};
  }),
  Send: unary(async ({ run, count, intervalMs }) => {
    const watcher = watchers.get(run);
    if (!watcher) throw new Error(`no watcher ${run}`);
    const sentNs = [];
    for (let i = 0; i < count && !watcher.call.cancelled; i++) {
      const ack = acked(`${run}:${i}`);
      const t = process.hrtime.bigint();
      watcher.call.write(watcher.message);
      sentNs.push(Number(t));
      await ack;
      await sleep(intervalMs);
    }
    watchers.delete(run);
    watcher.call.end();
    return { sentNs };
  }),
};
for (const kind of SMALL_KINDS) {
  for (const format of FORMATS) {
    hop[watchMethod(kind, format)] = (call) => {
      const watcher = { call, message: small[kind] };
      watchers.set(call.request.run, watcher);
      call.on('cancelled', () => watchers.delete(call.request.run));
      call.write(watcher.message);
    };
  }
}

const server = createGrpcServer({ log, service: 'relay', roomStats: () => [] });
server.addService(services().media, media);
server.addService(jsonMediaDefinition(), { Subscribe: media.Subscribe });
server.addService(hopDefinition(), hop);
const port = await server.listen(values.host, Number(values.port ?? 0));
console.log(JSON.stringify({ port }));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => void server.stop(1000).then(() => process.exit(0)));
}
