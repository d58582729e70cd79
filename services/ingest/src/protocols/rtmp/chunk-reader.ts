import { MESSAGE_TYPE, readChunkSize, readU32Payload, type RtmpMessage } from './messages.js';
import { RtmpProtocolError } from './protocol-error.js';

/** Options of {@link ChunkReader}. */
export interface ChunkReaderOptions {
  /** Largest message length accepted, bytes; a header announcing more is a protocol error. */
  maxMessageBytes: number;
  /** Distinct chunk stream ids a peer may use; real publishers use fewer than ten. @default 64 */
  maxChunkStreams?: number;
}

/** Message header length by chunk type fmt 0..3 (RTMP spec 1.0 §5.3.1.2). */
const MESSAGE_HEADER_BYTES = [11, 7, 3, 0] as const;
const EXTENDED_TIMESTAMP = 0xffffff;
const DEFAULT_CHUNK_SIZE = 128;

/** What the reader remembers per chunk stream (§5.3.1.2: later headers only carry what changed). */
interface ChunkStreamState {
  readonly csid: number;
  /** Absolute timestamp of the latest message, ms mod 2^32. */
  timestamp: number;
  /** Timestamp delta a type 3 chunk starting a message adds: the last type 1/2 delta, or a type 0's timestamp (§5.3.1.2.4). */
  delta: number;
  length: number;
  type: number;
  streamId: number;
  /** The latest type 0/1/2 header had an extended timestamp, so type 3 chunks carry one too (§5.3.1.3). */
  extended: boolean;
  /**
   * The message in progress: one buffer of its announced length that chunk payloads are copied into, so a
   * message costs one allocation however small the peer's chunks; undefined when none is in progress.
   */
  payload: Buffer | undefined;
  /** Payload bytes received so far of the message in progress. */
  received: number;
  inProgress: boolean;
}

/**
 * Reassembles RTMP messages from the chunk stream (RTMP spec 1.0 §5.3): basic headers of 1, 2 and 3 bytes
 * (csid 2..65599), message headers fmt 0/1/2/3 with per-chunk-stream state, extended timestamps (also on
 * type 3 chunks), messages interleaved across chunk streams. It applies the peer's Set Chunk Size (§5.4.1)
 * and Abort (§5.4.2) itself, in order, and returns them with the other messages.
 *
 * Memory is bounded: only a partial chunk header (≤ 18 bytes) is buffered between pushes, and each message in
 * progress holds one buffer of its announced length (at most `maxMessageBytes`), allocated when its first
 * header arrives and filled by copying chunk payloads in; no pushed buffer is retained. Messages in progress on
 * all chunk streams together announce at most twice `maxMessageBytes`, so one peer holds at most that much
 * whatever its chunk size (§5.4.1 allows 1 byte).
 */
export class ChunkReader {
  private chunkSize = DEFAULT_CHUNK_SIZE;
  private readonly streams = new Map<number, ChunkStreamState>();
  private readonly maxMessageBytes: number;
  private readonly maxChunkStreams: number;
  private leftover: Buffer = Buffer.alloc(0);
  /** Chunk stream whose chunk payload is being read, and how many payload bytes of that chunk remain. */
  private payloadOf: ChunkStreamState | undefined;
  private chunkLeft = 0;
  /** Announced lengths of the messages in progress on every chunk stream together, bytes. */
  private bufferedBytes = 0;

  constructor({ maxMessageBytes, maxChunkStreams = 64 }: ChunkReaderOptions) {
    this.maxMessageBytes = maxMessageBytes;
    this.maxChunkStreams = maxChunkStreams;
  }

  /** The peer's current chunk size, bytes. */
  get peerChunkSize(): number {
    return this.chunkSize;
  }

  /**
   * Consumes bytes from the peer and returns the messages they complete, in order.
   * @throws RtmpProtocolError on a malformed or oversize stream; the reader is unusable afterwards.
   */
  push(data: Buffer): RtmpMessage[] {
    const buf = this.leftover.length > 0 ? Buffer.concat([this.leftover, data]) : data;
    const out: RtmpMessage[] = [];
    let pos = 0;
    while (pos < buf.length) {
      if (this.payloadOf) {
        pos += this.readPayload(buf, pos, out);
      } else {
        const used = this.readHeader(buf, pos, out);
        if (used === 0) break;
        pos += used;
      }
    }
    this.leftover = Buffer.from(buf.subarray(pos));
    return out;
  }

  /** Parses one chunk header at `pos`; returns the bytes used, or 0 when the header is not complete yet. */
  private readHeader(buf: Buffer, pos: number, out: RtmpMessage[]): number {
    const avail = buf.length - pos;
    const first = buf[pos] ?? 0;
    const fmt = first >> 6;
    let csid = first & 0x3f;
    let basic = 1;
    if (csid === 0) {
      if (avail < 2) return 0;
      csid = (buf[pos + 1] ?? 0) + 64;
      basic = 2;
    } else if (csid === 1) {
      if (avail < 3) return 0;
      csid = (buf[pos + 2] ?? 0) * 256 + (buf[pos + 1] ?? 0) + 64;
      basic = 3;
    }
    const headerBytes = MESSAGE_HEADER_BYTES[fmt as 0 | 1 | 2 | 3];
    if (avail < basic + headerBytes) return 0;
    const h = pos + basic;
    let state = this.streams.get(csid);
    const timestampField = fmt < 3 ? buf.readUIntBE(h, 3) : 0;
    const extended = fmt < 3 ? timestampField === EXTENDED_TIMESTAMP : (state?.extended ?? false);
    const total = basic + headerBytes + (extended ? 4 : 0);
    if (avail < total) return 0;
    const timestamp = extended ? buf.readUInt32BE(h + headerBytes) : timestampField;

    if (!state) {
      if (fmt !== 0) throw new RtmpProtocolError(`chunk stream ${csid} starts with a type ${fmt} header`);
      if (this.streams.size >= this.maxChunkStreams)
        throw new RtmpProtocolError(`more than ${this.maxChunkStreams} chunk streams`);
      state = {
        csid,
        timestamp: 0,
        delta: 0,
        length: 0,
        type: 0,
        streamId: 0,
        extended: false,
        payload: undefined,
        received: 0,
        inProgress: false,
      };
      this.streams.set(csid, state);
    }
    if (fmt < 3 && state.inProgress)
      throw new RtmpProtocolError(`chunk stream ${csid}: new message header before the message ended`);

    if (fmt === 0) {
      state.timestamp = timestamp;
      state.delta = timestamp;
    } else if (fmt < 3) {
      state.delta = timestamp;
      state.timestamp = (state.timestamp + timestamp) >>> 0;
    } else if (!state.inProgress) {
      // A type 3 chunk starting a message repeats the previous delta, which after a type 0 header is that
      // header's timestamp (§5.3.1.2.4); its extended timestamp field, when present, holds that delta.
      if (extended) state.delta = timestamp;
      state.timestamp = (state.timestamp + state.delta) >>> 0;
    }
    if (fmt <= 1) {
      state.length = buf.readUIntBE(h + 3, 3);
      state.type = buf[h + 6] ?? 0;
    }
    if (fmt === 0) state.streamId = buf.readUInt32LE(h + 7);
    if (fmt < 3) state.extended = extended;

    if (!state.inProgress) this.beginMessage(state, out);
    if (state.inProgress) {
      this.payloadOf = state;
      this.chunkLeft = Math.min(this.chunkSize, state.length - state.received);
    }
    return total;
  }

  /** Starts a message: checks its announced length and allocates its buffer (§5.3.1.2.1 message length). */
  private beginMessage(state: ChunkStreamState, out: RtmpMessage[]): void {
    if (state.length > this.maxMessageBytes) {
      throw new RtmpProtocolError(`message of ${state.length} bytes over the limit of ${this.maxMessageBytes}`);
    }
    if (this.bufferedBytes + state.length > 2 * this.maxMessageBytes) {
      throw new RtmpProtocolError(`messages in progress hold over ${2 * this.maxMessageBytes} bytes`);
    }
    // Uninitialised memory is safe: a message is handed out only once every byte of it was copied in.
    state.payload = Buffer.allocUnsafe(state.length);
    state.received = 0;
    state.inProgress = state.length > 0;
    this.bufferedBytes += state.length;
    if (!state.inProgress) this.complete(state, out);
  }

  private readPayload(buf: Buffer, pos: number, out: RtmpMessage[]): number {
    const state = this.payloadOf as ChunkStreamState;
    const n = Math.min(this.chunkLeft, buf.length - pos);
    buf.copy(state.payload as Buffer, state.received, pos, pos + n);
    state.received += n;
    this.chunkLeft -= n;
    if (this.chunkLeft === 0) {
      this.payloadOf = undefined;
      if (state.received === state.length) this.complete(state, out);
    }
    return n;
  }

  private complete(state: ChunkStreamState, out: RtmpMessage[]): void {
    const payload = state.payload as Buffer;
    this.bufferedBytes -= state.length;
    state.payload = undefined;
    state.received = 0;
    state.inProgress = false;
    const msg: RtmpMessage = {
      csid: state.csid,
      type: state.type,
      streamId: state.streamId,
      timestamp: state.timestamp,
      payload,
    };
    if (msg.type === MESSAGE_TYPE.SET_CHUNK_SIZE) this.chunkSize = readChunkSize(msg);
    else if (msg.type === MESSAGE_TYPE.ABORT) this.abort(readU32Payload(msg));
    out.push(msg);
  }

  /** Discards the partly received message of chunk stream `csid` (Abort Message, §5.4.2). */
  private abort(csid: number): void {
    const state = this.streams.get(csid);
    if (!state?.inProgress) return;
    this.bufferedBytes -= state.length;
    state.payload = undefined;
    state.received = 0;
    state.inProgress = false;
  }
}
