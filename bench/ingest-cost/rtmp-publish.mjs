import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { encodeAmf0 } from '../../services/ingest/dist/protocols/rtmp/amf0-encode.js';
import { ChunkReader } from '../../services/ingest/dist/protocols/rtmp/chunk-reader.js';
import { ChunkWriter } from '../../services/ingest/dist/protocols/rtmp/chunk-writer.js';
import { parseCommand } from '../../services/ingest/dist/protocols/rtmp/commands.js';
import { HANDSHAKE_PACKET_BYTES } from '../../services/ingest/dist/protocols/rtmp/handshake.js';
import { MESSAGE_TYPE, setChunkSizeMessage } from '../../services/ingest/dist/protocols/rtmp/messages.js';

/** Chunk size the publisher sets (RTMP spec 1.0 §5.4.1), bytes: what OBS and ffmpeg use. */
const CHUNK_SIZE = 4096;
/** Chunk stream ids: commands on 3, audio on 4, video and data on 6 (as ingest's test client). */
const CSID = { COMMAND: 3, AUDIO: 4, VIDEO: 6 };
/** Transaction ids of the client's commands. */
const TRANSACTION = { CONNECT: 1, CREATE_STREAM: 2, PUBLISH: 3 };

/**
 * @typedef {object} RtmpPublish
 * @property {import('node:net').Socket} socket
 * @property {(type: number, timestamp: number, payload: Buffer) => number} send writes one audio (8), video (9) or
 *   data (18) message on the publish's stream; returns the bytes written.
 * @property {Promise<string>} closed resolves with the reason once the connection is closed.
 */

/** A command message from the client (§7.1.1) on the command chunk stream. */
function command(streamId, name, transactionId, ...values) {
  const payload = encodeAmf0(name, transactionId, ...values);
  return { csid: CSID.COMMAND, type: MESSAGE_TYPE.COMMAND_AMF0, streamId, timestamp: 0, payload };
}

/**
 * Opens one RTMP publish the way OBS does, minus what servers do not need: the simple handshake (C0+C1, then C2 =
 * S1 echoed, RTMP spec 1.0 §5.2), Set Chunk Size 4096, `connect` to `app`, `createStream`, `publish` of `streamKey`
 * as "live" (§7.2.1.1, §7.2.1.3, §7.2.2.6). Resolves once the server answers `NetStream.Publish.Start`.
 * @param {{ port: number, app: string, streamKey: string, timeoutMs?: number }} options timeoutMs bounds the whole
 *   opening, ms (default 10,000).
 * @returns {Promise<RtmpPublish>}
 * @throws Error naming the step when the server refuses (`_error`, an `onStatus` of level error), closes the
 *   connection or does not answer within `timeoutMs`.
 */
export function openPublish({ port, app, streamKey, timeoutMs = 10_000 }) {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  const writer = new ChunkWriter();
  const reader = new ChunkReader({ maxMessageBytes: 1 << 20 });
  const closed = new Promise((resolve) => {
    let reason = 'closed by the server';
    socket.on('error', (err) => (reason = err.message));
    socket.once('close', () => resolve(reason));
  });
  let streamId = 0;
  const write = (...messages) => socket.write(Buffer.concat(messages.map((m) => writer.encode(m))));
  const send = (type, timestamp, payload) => {
    const csid = type === MESSAGE_TYPE.AUDIO ? CSID.AUDIO : CSID.VIDEO;
    const bytes = writer.encode({ csid, type, streamId, timestamp, payload });
    socket.write(bytes);
    return bytes.length;
  };

  return new Promise((resolve, reject) => {
    let step = 'handshake';
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(`publish of ${streamKey.split('_')[0]} failed at ${step}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    void closed.then((reason) => fail(reason));

    let handshake = Buffer.alloc(0);
    const onCommand = (cmd) => {
      const info = cmd.args[0];
      if (cmd.name === '_error' || info?.level === 'error') return fail(`${cmd.name} ${info?.code ?? ''}`);
      if (cmd.name === '_result' && cmd.transactionId === TRANSACTION.CONNECT) {
        step = 'createStream';
        write(command(0, 'createStream', TRANSACTION.CREATE_STREAM, null));
      } else if (cmd.name === '_result' && cmd.transactionId === TRANSACTION.CREATE_STREAM) {
        step = 'publish';
        streamId = Number(cmd.args[0]);
        write(command(streamId, 'publish', TRANSACTION.PUBLISH, null, streamKey, 'live'));
      } else if (cmd.name === 'onStatus' && info?.code === 'NetStream.Publish.Start') {
        settled = true;
        clearTimeout(timer);
        socket.removeAllListeners('data');
        // Keep reading what the server sends (acknowledgements) so that its writes never block; nothing in it matters.
        socket.on('data', () => undefined);
        resolve({ socket, send, closed });
      }
    };
    const onData = (data) => {
      if (step === 'handshake') {
        handshake = Buffer.concat([handshake, data]);
        if (handshake.length < 1 + 2 * HANDSHAKE_PACKET_BYTES) return;
        const s1 = handshake.subarray(1, 1 + HANDSHAKE_PACKET_BYTES);
        data = handshake.subarray(1 + 2 * HANDSHAKE_PACKET_BYTES);
        step = 'connect';
        socket.write(s1);
        write(
          setChunkSizeMessage(CHUNK_SIZE),
          command(0, 'connect', TRANSACTION.CONNECT, {
            app,
            type: 'nonprivate',
            flashVer: 'FMLE/3.0 (compatible; onair-bench)',
            tcUrl: `rtmp://127.0.0.1:${port}/${app}`,
          }),
        );
      }
      if (data.length === 0) return;
      try {
        for (const msg of reader.push(data)) {
          if (msg.type === MESSAGE_TYPE.COMMAND_AMF0) onCommand(parseCommand(msg));
        }
      } catch (err) {
        fail(`unreadable answer: ${String(err)}`);
      }
    };
    socket.on('data', onData);
    socket.once('connect', () => {
      const c1 = randomBytes(HANDSHAKE_PACKET_BYTES);
      c1.fill(0, 0, 8); // time and zero fields: the simple handshake.
      socket.write(Buffer.concat([Buffer.of(3), c1]));
    });
  });
}
