import { RtmpProtocolError } from './protocol-error.js';

/** RTMP message type ids (RTMP spec 1.0 §5.4 protocol control, §6.2 user control, §7.1 the others). */
export const MESSAGE_TYPE = {
  SET_CHUNK_SIZE: 1,
  ABORT: 2,
  ACKNOWLEDGEMENT: 3,
  USER_CONTROL: 4,
  WINDOW_ACK_SIZE: 5,
  SET_PEER_BANDWIDTH: 6,
  AUDIO: 8,
  VIDEO: 9,
  DATA_AMF3: 15,
  SHARED_OBJECT_AMF3: 16,
  COMMAND_AMF3: 17,
  DATA_AMF0: 18,
  SHARED_OBJECT_AMF0: 19,
  COMMAND_AMF0: 20,
  AGGREGATE: 22,
} as const;

/** User control event types (RTMP spec 1.0 §7.1.7). */
export const USER_CONTROL_EVENT = {
  STREAM_BEGIN: 0,
  STREAM_EOF: 1,
  STREAM_DRY: 2,
  SET_BUFFER_LENGTH: 3,
  STREAM_IS_RECORDED: 4,
  PING_REQUEST: 6,
  PING_RESPONSE: 7,
} as const;

/** Set Peer Bandwidth limit types (RTMP spec 1.0 §5.4.5). */
export const PEER_BANDWIDTH_LIMIT = { HARD: 0, SOFT: 1, DYNAMIC: 2 } as const;

/** Chunk stream ids this server sends on: protocol control must use 2 (§5.4); commands and statuses by convention. */
export const OUT_CHUNK_STREAM = { PROTOCOL: 2, COMMAND: 3, STATUS: 5 } as const;

/** Largest chunk size either side may set: 31 bits, the first bit must be zero (RTMP spec 1.0 §5.4.1). */
export const MAX_CHUNK_SIZE = 0x7fffffff;

/** One complete RTMP message (RTMP spec 1.0 §6.1), as reassembled from chunks or about to be chunked. */
export interface RtmpMessage {
  /** Chunk stream id it travels on, 2 to 65599. */
  readonly csid: number;
  /** Message type id, see {@link MESSAGE_TYPE}. */
  readonly type: number;
  /** Message stream id; 0 for protocol control and NetConnection commands. */
  readonly streamId: number;
  /** Timestamp, ms, modulo 2^32 (§5.3.1.2). */
  readonly timestamp: number;
  readonly payload: Buffer;
}

function u32Message(type: number, value: number): RtmpMessage {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(value >>> 0, 0);
  return { csid: OUT_CHUNK_STREAM.PROTOCOL, type, streamId: 0, timestamp: 0, payload };
}

/** Set Chunk Size (§5.4.1): the sender's chunks after this one carry up to `size` bytes of payload. */
export function setChunkSizeMessage(size: number): RtmpMessage {
  return u32Message(MESSAGE_TYPE.SET_CHUNK_SIZE, size);
}

/** Acknowledgement (§5.4.3): `sequence` is the number of bytes received so far, modulo 2^32. */
export function acknowledgementMessage(sequence: number): RtmpMessage {
  return u32Message(MESSAGE_TYPE.ACKNOWLEDGEMENT, sequence);
}

/** Window Acknowledgement Size (§5.4.4), bytes: the peer should acknowledge after each window. */
export function windowAckSizeMessage(size: number): RtmpMessage {
  return u32Message(MESSAGE_TYPE.WINDOW_ACK_SIZE, size);
}

/** Set Peer Bandwidth (§5.4.5): output bandwidth limit for the peer, bytes per window. */
export function setPeerBandwidthMessage(size: number, limitType: number): RtmpMessage {
  const payload = Buffer.alloc(5);
  payload.writeUInt32BE(size, 0);
  payload[4] = limitType;
  return { csid: OUT_CHUNK_STREAM.PROTOCOL, type: MESSAGE_TYPE.SET_PEER_BANDWIDTH, streamId: 0, timestamp: 0, payload };
}

/** A User Control message (§6.2, §7.1.7) with a 32-bit event datum (a stream id or a timestamp). */
export function userControlMessage(event: number, datum: number): RtmpMessage {
  const payload = Buffer.alloc(6);
  payload.writeUInt16BE(event, 0);
  payload.writeUInt32BE(datum >>> 0, 2);
  return { csid: OUT_CHUNK_STREAM.PROTOCOL, type: MESSAGE_TYPE.USER_CONTROL, streamId: 0, timestamp: 0, payload };
}

/**
 * Reads the 32-bit value of a Set Chunk Size, Abort, Acknowledgement or Window Acknowledgement Size message.
 * @throws RtmpProtocolError when the payload is shorter than 4 bytes.
 */
export function readU32Payload(msg: RtmpMessage): number {
  if (msg.payload.length < 4)
    throw new RtmpProtocolError(`message type ${msg.type} with ${msg.payload.length} bytes, expected 4`);
  return msg.payload.readUInt32BE(0);
}

/**
 * Reads a peer's Set Chunk Size (§5.4.1).
 * @throws RtmpProtocolError for 0 or a value with the first bit set (over 2^31-1).
 */
export function readChunkSize(msg: RtmpMessage): number {
  const size = readU32Payload(msg);
  if (size === 0 || size > MAX_CHUNK_SIZE) throw new RtmpProtocolError(`invalid chunk size ${size}`);
  return size;
}

/**
 * Reads a User Control message's event type and first 32-bit datum (§7.1.7).
 * @throws RtmpProtocolError when the payload is shorter than 6 bytes.
 */
export function readUserControl(msg: RtmpMessage): { event: number; datum: number } {
  if (msg.payload.length < 6) throw new RtmpProtocolError(`user control message with ${msg.payload.length} bytes`);
  return { event: msg.payload.readUInt16BE(0), datum: msg.payload.readUInt32BE(2) };
}
