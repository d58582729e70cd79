import { MESSAGE_TYPE, MAX_CHUNK_SIZE, type RtmpMessage } from './messages.js';

const EXTENDED_TIMESTAMP = 0xffffff;
const MAX_CSID = 65599;

/**
 * Splits messages into chunks (RTMP spec 1.0 §5.3): a type 0 header on the first chunk, type 3 headers on the
 * rest (repeating the extended timestamp when the message has one, §5.3.1.3). Writing a Set Chunk Size
 * message (§5.4.1) switches the chunk size for every later message, as the peer will expect.
 */
export class ChunkWriter {
  private chunkSize = 128;

  /** Current outgoing chunk size, bytes. */
  get size(): number {
    return this.chunkSize;
  }

  /**
   * Encodes one message as chunks.
   * @throws RangeError for a csid outside 2..65599, a payload over 2^24-1 bytes or an invalid chunk size (bugs).
   */
  encode(msg: RtmpMessage): Buffer {
    if (msg.csid < 2 || msg.csid > MAX_CSID) throw new RangeError(`csid ${msg.csid} out of range`);
    if (msg.payload.length > 0xffffff) throw new RangeError(`message of ${msg.payload.length} bytes`);
    const extended = msg.timestamp >= EXTENDED_TIMESTAMP;
    const ext = extended ? u32(msg.timestamp) : Buffer.alloc(0);
    const header = Buffer.alloc(11);
    header.writeUIntBE(extended ? EXTENDED_TIMESTAMP : msg.timestamp, 0, 3);
    header.writeUIntBE(msg.payload.length, 3, 3);
    header[6] = msg.type;
    header.writeUInt32LE(msg.streamId, 7);
    const parts: Buffer[] = [basicHeader(0, msg.csid), header, ext, msg.payload.subarray(0, this.chunkSize)];
    const continuation = Buffer.concat([basicHeader(3, msg.csid), ext]);
    for (let off = this.chunkSize; off < msg.payload.length; off += this.chunkSize) {
      parts.push(continuation, msg.payload.subarray(off, off + this.chunkSize));
    }
    if (msg.type === MESSAGE_TYPE.SET_CHUNK_SIZE) {
      const size = msg.payload.readUInt32BE(0);
      if (size < 1 || size > MAX_CHUNK_SIZE) throw new RangeError(`chunk size ${size}`);
      this.chunkSize = size;
    }
    return Buffer.concat(parts);
  }
}

/** Basic header (§5.3.1.1): 1 byte for csid 2..63, 2 bytes for 64..319, 3 bytes for 64..65599. */
export function basicHeader(fmt: number, csid: number): Buffer {
  if (csid < 64) return Buffer.of((fmt << 6) | csid);
  if (csid < 320) return Buffer.of(fmt << 6, csid - 64);
  const v = csid - 64;
  return Buffer.of((fmt << 6) | 1, v & 0xff, v >> 8);
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0, 0);
  return b;
}
