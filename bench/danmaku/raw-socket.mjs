import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/** The GUID a server appends to the client's key for Sec-WebSocket-Accept (RFC 6455 §1.3). */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Opcodes (RFC 6455 §5.2). */
const OPCODE_TEXT = 1;
const OPCODE_CLOSE = 8;
/** Longest server response to an upgrade request this client reads, bytes. */
const MAX_UPGRADE_RESPONSE = 4096;
/** Bytes of a frame's payload kept for a frame that is not read whole: enough for a batch's first seq. */
export const PREFIX_BYTES = 64;
/**
 * Where every socket of the process reads into (Node's `onread` option of net.connect): a read is parsed at once, so
 * one buffer serves them all and a read allocates nothing; and a paused socket stops reading from the kernel.
 */
const READ_BUFFER = Buffer.alloc(65_536);

/**
 * @typedef {object} RawSocketHandlers
 * @property {(payload: Buffer) => void} onWhole a whole text frame's payload, while {@link RawSocket.whole} is true.
 * @property {(prefix: Buffer, prefixLength: number, payloadLength: number) => void} onPrefix a text frame read
 *   without keeping it: its first {@link PREFIX_BYTES} bytes (fewer when shorter; `prefix` is reused, read it at
 *   once) and its payload length, bytes.
 * @property {(code: number) => void} onClose the server's close frame (its status code, 1005 when it has none) or
 *   the connection's end (1006), once.
 */

/**
 * A lean WebSocket client for reading a server's text frames at a high rate: a raw TCP socket that does the opening
 * handshake by hand (RFC 6455 §4.1: GET with Upgrade, Sec-WebSocket-Key; a 101 answer with the matching
 * Sec-WebSocket-Accept) and then parses only frame headers (§5.2; server frames are unmasked, §5.1). A frame's
 * payload is handed over whole while {@link whole} is true (a sample viewer, or one waiting for its welcome), else
 * only its first {@link PREFIX_BYTES} bytes and its length, so that most frames cost a header parse and a small copy.
 * Fragmented messages, extensions and compression are not supported (the realtime servers negotiate none); a ping
 * is not answered (they send none).
 */
export class RawSocket {
  /** Whether text frames are handed over whole ({@link RawSocketHandlers.onWhole}). */
  whole = true;
  /** Frames and payload bytes read so far (after the handshake). */
  frames = 0;
  bytes = 0;
  #socket;
  #handlers;
  #closed = false;
  /** Bytes of a header that a read cut off, and how many of them came. */
  #header = Buffer.alloc(14);
  #headerLength = 0;
  /** Of the frame being read: its opcode, payload length and payload bytes still to come. */
  #opcode = 0;
  #payloadLength = 0;
  #remaining = -1;
  #chunks = [];
  #prefix = Buffer.alloc(PREFIX_BYTES);
  #prefixLength = 0;

  /**
   * Connects and upgrades `url`; resolves once the server's 101 answer is checked.
   * @param {string} url "ws://host:port/path?query"
   * @param {RawSocketHandlers} handlers
   * @returns {Promise<RawSocket>}
   * @throws Error when the connection fails or the server answers other than a valid 101.
   */
  static open(url, handlers) {
    const { hostname, port, pathname, search } = new URL(url);
    const key = randomBytes(16).toString('base64');
    const accept = createHash('sha1')
      .update(key + ACCEPT_GUID)
      .digest('base64');
    return new Promise((resolve, reject) => {
      let onBytes;
      const socket = connect({
        host: hostname,
        port: Number(port),
        noDelay: true,
        onread: {
          buffer: READ_BUFFER,
          callback: (length, buffer) => {
            onBytes(buffer.subarray(0, length));
          },
        },
      });
      let response = Buffer.alloc(0);
      const fail = (err) => {
        socket.destroy();
        reject(err);
      };
      socket.once('error', fail);
      socket.on('connect', () =>
        socket.write(
          `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
            `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        ),
      );
      const onHandshake = (chunk) => {
        response = Buffer.concat([response, chunk]);
        const end = response.indexOf('\r\n\r\n');
        if (end < 0) {
          if (response.length > MAX_UPGRADE_RESPONSE) fail(new Error('upgrade response too long'));
          return;
        }
        const head = response.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101') || !head.includes(`\r\nSec-WebSocket-Accept: ${accept}`)) {
          fail(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
          return;
        }
        socket.off('error', fail);
        const raw = new RawSocket(socket, handlers);
        onBytes = (bytes) => raw.#read(bytes);
        const rest = response.subarray(end + 4);
        if (rest.length > 0) raw.#read(rest);
        resolve(raw);
      };
      onBytes = onHandshake;
    });
  }

  /** Use {@link RawSocket.open}. */
  constructor(socket, handlers) {
    this.#socket = socket;
    this.#handlers = handlers;
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#onClosed(1006));
  }

  /**
   * Sends one text frame, masked with a random key as a client must (RFC 6455 §5.3).
   * @param {string} text
   */
  send(text) {
    const payload = Buffer.from(text, 'utf8');
    const length = payload.length;
    const header = length < 126 ? Buffer.alloc(2) : Buffer.alloc(4);
    header[0] = 0x80 | OPCODE_TEXT;
    if (length < 126) header[1] = 0x80 | length;
    else {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(length, 2);
    }
    const mask = randomBytes(4);
    for (let i = 0; i < length; i++) payload[i] ^= mask[i & 3];
    this.#socket.write(Buffer.concat([header, mask, payload]));
  }

  /** Stops reading the socket: what the server sends waits in the kernel's buffers meanwhile. */
  pause() {
    this.#socket.pause();
  }

  /** Reads the socket again. */
  resume() {
    this.#socket.resume();
  }

  /** Ends the connection at once (no closing handshake). */
  destroy() {
    this.#socket.destroy();
  }

  #onClosed(code) {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.onClose(code);
  }

  /** Parses what one read brought: frame headers, and payload bytes kept whole or as a prefix. */
  #read(chunk) {
    let at = 0;
    while (at < chunk.length) {
      if (this.#remaining < 0) {
        at = this.#readHeader(chunk, at);
        if (this.#remaining < 0) return;
      }
      const take = Math.min(this.#remaining, chunk.length - at);
      if (take > 0) this.#keep(chunk, at, take);
      at += take;
      this.#remaining -= take;
      if (this.#remaining === 0) this.#endFrame();
    }
  }

  /** Reads a frame header from `chunk` at `at` (joining one a read cut off); returns where its payload starts. */
  #readHeader(chunk, at) {
    let source = chunk;
    let start = at;
    if (this.#headerLength > 0 || chunk.length - at < 14) {
      const copied = chunk.copy(this.#header, this.#headerLength, at, Math.min(chunk.length, at + 14));
      const available = this.#headerLength + copied;
      const needed = headerLength(this.#header, 0, available);
      if (needed === undefined || available < needed) {
        this.#headerLength = available;
        return chunk.length;
      }
      const used = needed - this.#headerLength;
      this.#headerLength = 0;
      source = this.#header;
      start = 0;
      at += used;
    } else at += headerLength(chunk, at, chunk.length - at);
    this.#opcode = source[start] & 0x0f;
    const short = source[start + 1] & 0x7f;
    this.#payloadLength =
      short === 126
        ? source.readUInt16BE(start + 2)
        : short === 127
          ? Number(source.readBigUInt64BE(start + 2))
          : short;
    this.#remaining = this.#payloadLength;
    this.#prefixLength = 0;
    return at;
  }

  #keep(chunk, at, take) {
    if (this.whole || this.#opcode !== OPCODE_TEXT) this.#chunks.push(Buffer.from(chunk.subarray(at, at + take)));
    else if (this.#prefixLength < PREFIX_BYTES)
      this.#prefixLength += chunk.copy(this.#prefix, this.#prefixLength, at, at + take);
  }

  #endFrame() {
    this.#remaining = -1;
    const opcode = this.#opcode;
    if (opcode === OPCODE_CLOSE) {
      const payload = Buffer.concat(this.#chunks);
      this.#chunks = [];
      this.#onClosed(payload.length >= 2 ? payload.readUInt16BE(0) : 1005);
      this.#socket.destroy();
      return;
    }
    if (opcode !== OPCODE_TEXT) {
      this.#chunks = [];
      return;
    }
    this.frames++;
    this.bytes += this.#payloadLength;
    if (this.whole || this.#chunks.length > 0) {
      const payload = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks);
      this.#chunks = [];
      this.#handlers.onWhole(payload);
    } else this.#handlers.onPrefix(this.#prefix, this.#prefixLength, this.#payloadLength);
  }
}

/**
 * Length of a server frame's header (RFC 6455 §5.2: 2 bytes, + 2 or 8 of extended length; unmasked) from its first
 * `available` bytes at `start` of `bytes`, or undefined when fewer than 2 of them came.
 */
function headerLength(bytes, start, available) {
  if (available < 2) return undefined;
  const short = bytes[start + 1] & 0x7f;
  return short === 126 ? 4 : short === 127 ? 10 : 2;
}
