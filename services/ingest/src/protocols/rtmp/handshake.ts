import { randomBytes } from 'node:crypto';
import {
  FMS_KEY_TEXT_BYTES,
  FP_KEY_TEXT_BYTES,
  GENUINE_FMS_KEY,
  GENUINE_FP_KEY,
  findDigest,
  signPacket,
  signResponse,
} from './handshake-digest.js';
import { RtmpProtocolError } from './protocol-error.js';

/** The only RTMP version spoken (RTMP spec 1.0 §5.2.2); 6 and 8 would be RTMPE, which is not supported. */
export const RTMP_VERSION = 3;
/** Size of C1, S1, C2 and S2, bytes (§5.2.3). */
export const HANDSHAKE_PACKET_BYTES = 1536;
/** Size of C0 + C1 as the server reads them first, bytes. */
export const C0C1_BYTES = 1 + HANDSHAKE_PACKET_BYTES;

/** Server version written in a digest-signed S1 (any value ≥ 3.0 in the first byte tells clients to verify). */
const SERVER_VERSION = Buffer.from([0x04, 0x05, 0x00, 0x01]);

/** Which handshake a client spoke: the plain one of the spec (OBS) or the digest-signed one (ffmpeg, Flash). */
export type HandshakeKind = 'simple' | 'digest';

/** What the server answers to C0+C1. */
export interface HandshakeAnswer {
  readonly kind: HandshakeKind;
  /** S0 + S1 + S2, 3073 bytes, to send at once. */
  readonly s0s1s2: Buffer;
}

/**
 * Answers a client's C0+C1 with S0+S1+S2 (RTMP spec 1.0 §5.2). A C1 carrying a valid Flash Player digest
 * in either scheme gets a digest-signed S1 (same scheme, Flash Media Server key) and an S2 signed from the C1
 * digest; any other C1 gets the simple handshake: a random S1 with a zero version and S2 echoing C1.
 * The C2 that follows is read and not checked, as the spec allows.
 * @param nowMs the server's epoch for the time fields, ms.
 * @throws RtmpProtocolError when C0 asks for another version than 3, or the input is not 1537 bytes.
 */
export function answerHandshake(c0c1: Buffer, nowMs: number): HandshakeAnswer {
  if (c0c1.length !== C0C1_BYTES) throw new RtmpProtocolError(`handshake C0+C1 of ${c0c1.length} bytes`);
  const version = c0c1[0];
  if (version !== RTMP_VERSION) throw new RtmpProtocolError(`RTMP version ${version ?? -1} is not supported`);
  const c1 = c0c1.subarray(1);
  const time = nowMs >>> 0;
  const s1 = randomBytes(HANDSHAKE_PACKET_BYTES);
  s1.writeUInt32BE(time, 0);
  const clientVersion = c1.readUInt32BE(4);
  const client = clientVersion === 0 ? undefined : findDigest(c1, GENUINE_FP_KEY.subarray(0, FP_KEY_TEXT_BYTES));
  if (!client) {
    s1.writeUInt32BE(0, 4);
    const s2 = Buffer.from(c1);
    s2.writeUInt32BE(time, 4); // time2: when C1 was read (§5.2.4); time and random echo C1
    return { kind: 'simple', s0s1s2: Buffer.concat([Buffer.of(RTMP_VERSION), s1, s2]) };
  }
  SERVER_VERSION.copy(s1, 4);
  signPacket(s1, client.scheme, GENUINE_FMS_KEY.subarray(0, FMS_KEY_TEXT_BYTES));
  const s2 = randomBytes(HANDSHAKE_PACKET_BYTES);
  signResponse(s2, client.digest, GENUINE_FMS_KEY);
  return { kind: 'digest', s0s1s2: Buffer.concat([Buffer.of(RTMP_VERSION), s1, s2]) };
}
