import type { RtmpMessage } from './messages.js';
import { RtmpProtocolError } from './protocol-error.js';

/** FLV-style sub-message header: type 1, size 3, timestamp 3 + extended 1, stream id 3 (bytes). */
const SUB_HEADER_BYTES = 11;
/** Back pointer after each sub-message body, bytes. */
const BACK_POINTER_BYTES = 4;

/**
 * Splits an Aggregate message (RTMP spec 1.0 §7.1.6) into its sub-messages. Each sub-message is an FLV tag
 * (header, body, back pointer); its timestamp is rebased so the first sub-message has the aggregate's
 * timestamp, and the aggregate's message stream id overrides the sub-messages' own.
 * @throws RtmpProtocolError when a sub-message runs past the end of the payload.
 */
export function splitAggregate(msg: RtmpMessage): RtmpMessage[] {
  const out: RtmpMessage[] = [];
  const buf = msg.payload;
  let first: number | undefined;
  let pos = 0;
  while (pos < buf.length) {
    if (pos + SUB_HEADER_BYTES > buf.length) throw new RtmpProtocolError('aggregate sub-message header truncated');
    const type = buf.readUInt8(pos);
    const size = buf.readUIntBE(pos + 1, 3);
    const timestamp = (buf.readUIntBE(pos + 4, 3) | (buf.readUInt8(pos + 7) << 24)) >>> 0;
    const start = pos + SUB_HEADER_BYTES;
    if (start + size + BACK_POINTER_BYTES > buf.length) throw new RtmpProtocolError('aggregate sub-message truncated');
    first ??= timestamp;
    out.push({
      csid: msg.csid,
      type,
      streamId: msg.streamId,
      timestamp: (msg.timestamp + timestamp - first) >>> 0,
      payload: buf.subarray(start, start + size),
    });
    pos = start + size + BACK_POINTER_BYTES;
  }
  return out;
}
