import { connect, createServer } from 'node:net';
import { onCleanup } from './cleanup.mjs';
import { nowMs } from './proc.mjs';

const CHUNK_READER = new URL('../../services/ingest/dist/protocols/rtmp/chunk-reader.js', import.meta.url);
const { ChunkReader } = await import(CHUNK_READER.href).catch((err) => {
  throw new Error(`cannot load ${CHUNK_READER.pathname}: run \`npm run build\` at the repository root`, { cause: err });
});

/** C0 (1 byte) + C1 (1536) + C2 (1536) from the client (RTMP spec 1.0 §5.2). */
const HANDSHAKE_BYTES = 1 + 1536 + 1536;
/** RTMP message type 9: video (RTMP spec 1.0 §7.1.5). */
const VIDEO = 9;
/** FLV VideoTagHeader: CodecID 7 is AVC, AVCPacketType 1 a coded frame (0 is the sequence header), FLV spec E.4.3.1. */
const AVC = 7;
const AVC_NALU = 1;

/**
 * @typedef {object} FrameArrivals wall-clock arrival of each coded video frame, by RTMP timestamp.
 * @property {(index: number) => number | undefined} timestampOf RTMP timestamp of the frame that arrived
 *   `index`-th (0 for the first), ms.
 * @property {(timestamp: number) => number | undefined} arrivalMs when the frame with this RTMP timestamp (±1 ms,
 *   for rounding) had fully arrived, ms since the epoch.
 * @property {() => number} count frames recorded.
 * @property {() => string | undefined} parseError why the chunk stream could not be read further, if it could not.
 */

/**
 * @typedef {object} RtmpProxy
 * @property {number} port loopback port publishers connect to.
 * @property {FrameArrivals} frames
 * @property {() => Promise<void>} stop closes the listener and every connection.
 */

/**
 * Starts a TCP proxy on 127.0.0.1 (a free port) that forwards bytes unchanged both ways to 127.0.0.1:`targetPort`
 * and reads the client → server direction: it skips the handshake (C0, C1, C2), reassembles the RTMP chunk stream
 * with ingest's ChunkReader (RTMP spec 1.0 §5.3) and records the wall time at which the last byte of each coded
 * AVC frame (message type 9, AVCPacketType 1) arrived, by its RTMP timestamp (the frame's DTS, ms), and the order
 * of the frames. A timestamp seen again (a reconnecting publisher) keeps its first arrival.
 * @param {number} targetPort
 * @returns {Promise<RtmpProxy>}
 */
export async function startRtmpProxy(targetPort) {
  const arrivals = new Map();
  const timestamps = [];
  let parseError;
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
    const reader = new ChunkReader({ maxMessageBytes: 16 * 1024 * 1024 });
    let handshakeLeft = HANDSHAKE_BYTES;
    client.on('data', (data) => {
      const at = nowMs();
      if (handshakeLeft >= data.length) {
        handshakeLeft -= data.length;
        return;
      }
      const chunks = data.subarray(handshakeLeft);
      handshakeLeft = 0;
      if (parseError !== undefined) return;
      try {
        for (const msg of reader.push(chunks)) {
          if (msg.type !== VIDEO || (msg.payload[0] & 0x0f) !== AVC || msg.payload[1] !== AVC_NALU) continue;
          if (arrivals.has(msg.timestamp)) continue;
          arrivals.set(msg.timestamp, at);
          timestamps.push(msg.timestamp);
        }
      } catch (err) {
        parseError = String(err);
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const stop = onCleanup(
    () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    port: server.address().port,
    frames: {
      timestampOf: (index) => timestamps[index],
      arrivalMs: (ts) => arrivals.get(ts) ?? arrivals.get(ts - 1) ?? arrivals.get(ts + 1),
      count: () => arrivals.size,
      parseError: () => parseError,
    },
    stop,
  };
}
