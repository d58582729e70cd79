/**
 * A peer broke the RTMP protocol (RTMP spec 1.0) or AMF0 encoding: malformed bytes, an oversize message, an
 * impossible header. It is thrown by the parsers and caught by the connection, which closes that connection
 * only; the message is safe to log and never reaches other peers.
 */
export class RtmpProtocolError extends Error {
  override readonly name = 'RtmpProtocolError';
}
