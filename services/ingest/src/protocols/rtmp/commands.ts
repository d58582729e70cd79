import { type Amf0Object, type Amf0Value } from './amf0.js';
import { decodeAmf0 } from './amf0-decode.js';
import { encodeAmf0 } from './amf0-encode.js';
import { MESSAGE_TYPE, OUT_CHUNK_STREAM, type RtmpMessage } from './messages.js';
import { RtmpProtocolError } from './protocol-error.js';

/** A decoded command message (RTMP spec 1.0 §7.1.1, §7.2): name, transaction id, command object, arguments. */
export interface RtmpCommand {
  readonly name: string;
  /** 0 when the sender expects no answer. */
  readonly transactionId: number;
  /** The command object (`connect`'s properties), usually null for stream commands. */
  readonly commandObject: Amf0Value;
  /** Arguments after the command object, e.g. the stream name and type of `publish`. */
  readonly args: readonly Amf0Value[];
}

/** NetConnection / NetStream status codes sent in `_result`, `_error` and `onStatus` information objects. */
export const NET_STATUS = {
  CONNECT_SUCCESS: 'NetConnection.Connect.Success',
  CONNECT_REJECTED: 'NetConnection.Connect.Rejected',
  CALL_FAILED: 'NetConnection.Call.Failed',
  PUBLISH_START: 'NetStream.Publish.Start',
  PUBLISH_BAD_NAME: 'NetStream.Publish.BadName',
  UNPUBLISH_SUCCESS: 'NetStream.Unpublish.Success',
  PLAY_FAILED: 'NetStream.Play.Failed',
} as const;

/** An information object (§7.2.2.6): level, code and a human description. */
export interface NetStatus {
  readonly level: 'status' | 'warning' | 'error';
  readonly code: string;
  readonly description: string;
}

/**
 * Reads the AMF0 values of a data message (type 18) or an AMF3 data message (type 15) whose body is AMF0
 * after its format byte 0 — what clients with objectEncoding 3 send (§7.1.2).
 * @throws RtmpProtocolError for malformed AMF0 or an AMF3 body.
 */
export function decodeAmf0Body(msg: RtmpMessage): Amf0Value[] {
  if (msg.type === MESSAGE_TYPE.COMMAND_AMF3 || msg.type === MESSAGE_TYPE.DATA_AMF3) {
    if (msg.payload[0] !== 0) throw new RtmpProtocolError('AMF3 message body is not supported');
    return decodeAmf0(msg.payload.subarray(1));
  }
  return decodeAmf0(msg.payload);
}

/**
 * Decodes a command message (type 20, or 17 with an AMF0 body).
 * @throws RtmpProtocolError when the name or transaction id is missing or malformed.
 */
export function parseCommand(msg: RtmpMessage): RtmpCommand {
  const [name, transactionId, commandObject, ...args] = decodeAmf0Body(msg);
  if (typeof name !== 'string' || name === '') throw new RtmpProtocolError('command without a name');
  if (transactionId !== undefined && typeof transactionId !== 'number')
    throw new RtmpProtocolError(`command ${name}: transaction id is not a number`);
  return { name, transactionId: transactionId ?? 0, commandObject: commandObject ?? null, args };
}

/** A command message from the server (§7.1.1) on the command chunk stream, or the status one for a stream. */
export function commandMessage(
  streamId: number,
  name: string,
  transactionId: number,
  ...values: Amf0Value[]
): RtmpMessage {
  return {
    csid: streamId === 0 ? OUT_CHUNK_STREAM.COMMAND : OUT_CHUNK_STREAM.STATUS,
    type: MESSAGE_TYPE.COMMAND_AMF0,
    streamId,
    timestamp: 0,
    payload: encodeAmf0(name, transactionId, ...values),
  };
}

/** `_result` for transaction `transactionId` (§7.2.1.1). */
export function resultMessage(transactionId: number, ...values: Amf0Value[]): RtmpMessage {
  return commandMessage(0, '_result', transactionId, ...values);
}

/** `_error` for transaction `transactionId` with an information object. */
export function errorMessage(transactionId: number, status: NetStatus): RtmpMessage {
  return commandMessage(0, '_error', transactionId, null, statusObject(status));
}

/** `onStatus` on message stream `streamId` (§7.2.2): transaction 0, null command object, the information object. */
export function onStatusMessage(streamId: number, status: NetStatus): RtmpMessage {
  return commandMessage(streamId, 'onStatus', 0, null, statusObject(status));
}

/** The information object of a status, as an AMF0 object. */
export function statusObject(status: NetStatus): Amf0Object {
  return { level: status.level, code: status.code, description: status.description };
}
