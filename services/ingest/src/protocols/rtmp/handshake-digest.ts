import { createHmac } from 'node:crypto';

/**
 * The digest-signed handshake of Flash Player 9+ and ffmpeg's native RTMP client. Adobe never published it;
 * this follows the de-facto description every server and client implements (RTMPE.txt, librtmp handshake.h,
 * libavformat/rtmpproto.c): a 32-byte HMAC-SHA256 digest placed inside C1/S1 at an offset derived from
 * four bytes of the packet, keyed with the "Genuine Adobe Flash Player/Media Server 001" keys.
 */

/** The 32 bytes shared by both keys after their text. */
const KEY_TAIL = Buffer.from([
  0xf0, 0xee, 0xc2, 0x4a, 0x80, 0x68, 0xbe, 0xe8, 0x2e, 0x00, 0xd0, 0xd1, 0x02, 0x9e, 0x7e, 0x57, 0x6e, 0xec, 0x5d,
  0x2d, 0x29, 0x80, 0x6f, 0xab, 0x93, 0xb8, 0xe6, 0x36, 0xcf, 0xeb, 0x31, 0xae,
]);

/** Client key, 62 bytes; its first 30 (the text) sign C1. */
export const GENUINE_FP_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Player 001', 'latin1'), KEY_TAIL]);
/** Server key, 68 bytes; its first 36 (the text) sign S1, the whole key derives the S2 signing key. */
export const GENUINE_FMS_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Media Server 001', 'latin1'), KEY_TAIL]);
/** Length of the text part of {@link GENUINE_FP_KEY}, bytes. */
export const FP_KEY_TEXT_BYTES = 30;
/** Length of the text part of {@link GENUINE_FMS_KEY}, bytes. */
export const FMS_KEY_TEXT_BYTES = 36;

/** Digest length, bytes (SHA-256). */
export const DIGEST_BYTES = 32;

/**
 * The two places a digest may sit: the 4 bytes at `base` sum (mod 728) to the digest's offset after
 * `base + 4`. Scheme 0 (base 8) is what ffmpeg writes; scheme 1 (base 772) is Flash Player 10's.
 */
export const DIGEST_SCHEMES = [8, 772] as const;

/** One of {@link DIGEST_SCHEMES}' bases. */
export type DigestScheme = (typeof DIGEST_SCHEMES)[number];

/** Offset of the digest in a 1536-byte handshake packet for `scheme`. */
export function digestOffset(packet: Buffer, scheme: DigestScheme): number {
  const sum = (packet[scheme] ?? 0) + (packet[scheme + 1] ?? 0) + (packet[scheme + 2] ?? 0) + (packet[scheme + 3] ?? 0);
  return (sum % 728) + scheme + 4;
}

/** HMAC-SHA256 of `packet` without its 32 digest bytes at `offset`. */
export function packetDigest(packet: Buffer, offset: number, key: Buffer): Buffer {
  return createHmac('sha256', key)
    .update(packet.subarray(0, offset))
    .update(packet.subarray(offset + DIGEST_BYTES))
    .digest();
}

/** Finds a valid digest signed with `key` in either scheme; undefined when there is none. */
export function findDigest(packet: Buffer, key: Buffer): { scheme: DigestScheme; digest: Buffer } | undefined {
  for (const scheme of DIGEST_SCHEMES) {
    const offset = digestOffset(packet, scheme);
    const digest = packet.subarray(offset, offset + DIGEST_BYTES);
    if (packetDigest(packet, offset, key).equals(digest)) return { scheme, digest: Buffer.from(digest) };
  }
  return undefined;
}

/** Writes the digest of `packet` signed with `key` at the offset of `scheme`, in place; returns the digest. */
export function signPacket(packet: Buffer, scheme: DigestScheme, key: Buffer): Buffer {
  const offset = digestOffset(packet, scheme);
  const digest = packetDigest(packet, offset, key);
  digest.copy(packet, offset);
  return digest;
}

/**
 * Signs a response packet (S2 for a C1, or C2 for an S1): its last 32 bytes become
 * HMAC(HMAC(fullKey, peerDigest), packet[0..1504]).
 */
export function signResponse(packet: Buffer, peerDigest: Buffer, fullKey: Buffer): void {
  const key = createHmac('sha256', fullKey).update(peerDigest).digest();
  const end = packet.length - DIGEST_BYTES;
  createHmac('sha256', key).update(packet.subarray(0, end)).digest().copy(packet, end);
}
