import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { C0C1_BYTES, HANDSHAKE_PACKET_BYTES, answerHandshake } from './handshake.js';
import {
  DIGEST_BYTES,
  FMS_KEY_TEXT_BYTES,
  FP_KEY_TEXT_BYTES,
  GENUINE_FMS_KEY,
  GENUINE_FP_KEY,
  digestOffset,
  findDigest,
  packetDigest,
  signPacket,
  type DigestScheme,
} from './handshake-digest.js';
import { RtmpProtocolError } from './protocol-error.js';

/** A C0+C1 the way libavformat/rtmpproto.c builds it: client version 9.0.124.2 and a digest in `scheme`. */
function digestC0C1(scheme: DigestScheme): { c0c1: Buffer; digest: Buffer } {
  const c1 = randomBytes(HANDSHAKE_PACKET_BYTES);
  c1.writeUInt32BE(0, 0);
  Buffer.from([9, 0, 124, 2]).copy(c1, 4);
  const digest = signPacket(c1, scheme, GENUINE_FP_KEY.subarray(0, FP_KEY_TEXT_BYTES));
  return { c0c1: Buffer.concat([Buffer.of(3), c1]), digest };
}

function simpleC0C1(): Buffer {
  const c1 = randomBytes(HANDSHAKE_PACKET_BYTES);
  c1.writeUInt32BE(1234, 0);
  c1.writeUInt32BE(0, 4);
  return Buffer.concat([Buffer.of(3), c1]);
}

describe('answerHandshake (RTMP spec 1.0 §5.2)', () => {
  it.each([8, 772] as const)(
    'signs S1 and S2 for a digest C1 in scheme %i, as a Flash client verifies them',
    (scheme) => {
      const { c0c1, digest: clientDigest } = digestC0C1(scheme);
      const { kind, s0s1s2 } = answerHandshake(c0c1, 5000);
      expect(kind).toBe('digest');
      expect(s0s1s2).toHaveLength(1 + 2 * HANDSHAKE_PACKET_BYTES);
      expect(s0s1s2[0]).toBe(3);
      const s1 = s0s1s2.subarray(1, 1 + HANDSHAKE_PACKET_BYTES);
      const s2 = s0s1s2.subarray(1 + HANDSHAKE_PACKET_BYTES);
      expect(s1.readUInt32BE(0)).toBe(5000);
      expect(s1[4]).toBeGreaterThanOrEqual(3);
      // S1: digest with the server key's text, in the client's scheme (rtmpproto.c rtmp_validate_digest).
      const found = findDigest(s1, GENUINE_FMS_KEY.subarray(0, FMS_KEY_TEXT_BYTES));
      expect(found?.scheme).toBe(scheme);
      // S2: last 32 bytes = HMAC(HMAC(full server key, C1 digest), S2 without them).
      const key = createHmac('sha256', GENUINE_FMS_KEY).update(clientDigest).digest();
      const signature = createHmac('sha256', key)
        .update(s2.subarray(0, HANDSHAKE_PACKET_BYTES - DIGEST_BYTES))
        .digest();
      expect(s2.subarray(HANDSHAKE_PACKET_BYTES - DIGEST_BYTES)).toEqual(signature);
    },
  );

  it('answers a simple C1 with a zero-version S1 and an S2 echoing C1', () => {
    const c0c1 = simpleC0C1();
    const { kind, s0s1s2 } = answerHandshake(c0c1, 777);
    expect(kind).toBe('simple');
    const s1 = s0s1s2.subarray(1, 1 + HANDSHAKE_PACKET_BYTES);
    const s2 = s0s1s2.subarray(1 + HANDSHAKE_PACKET_BYTES);
    expect(s1.readUInt32BE(0)).toBe(777);
    expect(s1.readUInt32BE(4)).toBe(0);
    expect(s2.readUInt32BE(0)).toBe(1234);
    expect(s2.readUInt32BE(4)).toBe(777);
    expect(s2.subarray(8)).toEqual(c0c1.subarray(9));
  });

  it('falls back to the simple handshake for a non-zero version without a valid digest', () => {
    const c0c1 = simpleC0C1();
    c0c1.writeUInt32BE(0x09007c02, 5);
    expect(answerHandshake(c0c1, 1).kind).toBe('simple');
  });

  it('does not accept a digest signed with the wrong key', () => {
    const c0c1 = simpleC0C1();
    c0c1.writeUInt32BE(0x09007c02, 5);
    signPacket(c0c1.subarray(1), 8, Buffer.from('not the flash player key'));
    expect(answerHandshake(c0c1, 1).kind).toBe('simple');
  });

  it.each([
    {
      name: 'RTMPE version 6',
      c0c1: Buffer.concat([Buffer.of(6), randomBytes(HANDSHAKE_PACKET_BYTES)]),
      message: /version 6/,
    },
    {
      name: 'garbage first byte',
      c0c1: Buffer.concat([Buffer.of(0x47), randomBytes(HANDSHAKE_PACKET_BYTES)]),
      message: /version 71/,
    },
    { name: 'short input', c0c1: Buffer.alloc(C0C1_BYTES - 1, 3), message: /1536 bytes/ },
  ])('rejects $name', ({ c0c1, message }) => {
    expect(() => answerHandshake(c0c1, 1)).toThrow(RtmpProtocolError);
    expect(() => answerHandshake(c0c1, 1)).toThrow(message);
  });
});

describe('digest placement', () => {
  it('derives the offset from the four bytes at the scheme base', () => {
    const packet = Buffer.alloc(HANDSHAKE_PACKET_BYTES);
    packet.set([200, 200, 200, 200], 8);
    expect(digestOffset(packet, 8)).toBe((800 % 728) + 12);
    packet.set([1, 2, 3, 4], 772);
    expect(digestOffset(packet, 772)).toBe(10 + 776);
  });

  it('excludes the digest bytes from the HMAC', () => {
    const packet = randomBytes(HANDSHAKE_PACKET_BYTES);
    const before = packetDigest(packet, 100, GENUINE_FP_KEY);
    packet.fill(0, 100, 132);
    expect(packetDigest(packet, 100, GENUINE_FP_KEY)).toEqual(before);
  });
});
