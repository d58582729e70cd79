/**
 * The load: one Node process that publishes one FLV file in real time over many RTMP connections, looping it with
 * timestamps that keep increasing, as `ffmpeg -re -stream_loop -1 -i file -c copy -f flv rtmp://…` would per
 * connection, at a fraction of the CPU and memory of one ffmpeg each. Started by load.mjs, which writes its options
 * as one JSON line on stdin: `{ port, app, file, streamKeys, spreadMs }`. It answers on stdout with JSON lines:
 * `{ event: 'ready', publishing, failed }` once every publish is open or has failed, `{ event: 'closed', index,
 * reason }` when a connection closes, and `{ event: 'status', open, sentBytes, maxQueuedBytes }` for each further
 * line on stdin. It exits when stdin closes (the bench ended or died).
 */
import { createInterface } from 'node:readline';
import { readFlvFile, TAG_TYPE } from './flv-file.mjs';
import { openPublish } from './rtmp-publish.mjs';

/** How often due tags are sent, ms. */
const TICK_MS = 10;

const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

const lines = createInterface({ input: process.stdin });
lines.once('close', () => process.exit(0));
/** @type {{ port: number, app: string, file: string, streamKeys: string[], spreadMs: number }} */
const options = JSON.parse(await new Promise((resolve) => lines.once('line', resolve)));
const flv = readFlvFile(options.file);

const opened = await Promise.allSettled(
  options.streamKeys.map((streamKey) => openPublish({ port: options.port, app: options.app, streamKey })),
);
const streams = [];
const failed = [];
const t0 = performance.now();
opened.forEach((result, index) => {
  if (result.status === 'rejected') {
    failed.push(String(result.reason?.message ?? result.reason));
    return;
  }
  // Stream i starts i × spreadMs / N after the first, so that the streams' keyframes do not all come at once.
  const startMs = t0 + (index * options.spreadMs) / opened.length;
  // next: index of the next media tag to send; loop: how many times the file was sent whole.
  const stream = { index, publish: result.value, open: true, startMs, started: false, loop: 0, next: 0 };
  void result.value.closed.then((reason) => {
    stream.open = false;
    emit({ event: 'closed', index, reason });
  });
  streams.push(stream);
});
emit({ event: 'ready', publishing: streams.length, failed });

let sentBytes = 0;
let maxQueuedBytes = 0;

/** Sends every tag of `stream` due by `nowMs` (performance.now() time). */
function sendDue(stream, nowMs) {
  const elapsedMs = nowMs - stream.startMs;
  if (!stream.open || elapsedMs < 0) return;
  const { send, socket } = stream.publish;
  if (!stream.started) {
    stream.started = true;
    if (flv.metadata) sentBytes += send(TAG_TYPE.SCRIPT, 0, flv.metadata);
    for (const tag of flv.sequenceHeaders) sentBytes += send(tag.type, 0, tag.payload);
  }
  for (;;) {
    const tag = flv.media[stream.next];
    const timestamp = stream.loop * flv.loopMs + tag.timestamp;
    if (timestamp > elapsedMs) break;
    sentBytes += send(tag.type, timestamp, tag.payload);
    if (++stream.next === flv.media.length) {
      stream.next = 0;
      stream.loop++;
    }
  }
  maxQueuedBytes = Math.max(maxQueuedBytes, socket.writableLength);
}

setInterval(() => {
  const now = performance.now();
  for (const stream of streams) sendDue(stream, now);
}, TICK_MS);
lines.on('line', () => {
  emit({ event: 'status', open: streams.filter((s) => s.open).length, sentBytes, maxQueuedBytes });
});
