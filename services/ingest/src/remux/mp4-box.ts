/**
 * Writers for ISO BMFF boxes (ISO/IEC 14496-12 §4.2): a box is a 32-bit size, a four-character type and its
 * payload; a FullBox adds an 8-bit version and 24-bit flags. Used for init segments, written once per publish.
 */

/** A box of `type` around the payload pieces, in order. */
export function box(type: string, ...payload: readonly Buffer[]): Buffer {
  let size = 8;
  for (const p of payload) size += p.length;
  const head = Buffer.allocUnsafe(8);
  head.writeUInt32BE(size, 0);
  head.write(type, 4, 4, 'latin1');
  return Buffer.concat([head, ...payload], size);
}

/** A FullBox (§4.2): version and flags, then the payload pieces. */
export function fullBox(type: string, version: number, flags: number, ...payload: readonly Buffer[]): Buffer {
  return box(type, u32(((version << 24) | (flags & 0xff_ffff)) >>> 0), ...payload);
}

/** An unsigned 8-bit integer (the low 8 bits of `n`). */
export function u8(n: number): Buffer {
  return Buffer.from([n & 0xff]);
}
/** A big-endian unsigned 16-bit integer (the low 16 bits of `n`). */
export function u16(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}
/** A big-endian unsigned 32-bit integer (`n` modulo 2^32). */
export function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
/** A big-endian unsigned 64-bit integer; `n` is a non-negative safe integer. */
export function u64(n: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** `count` zero bytes. */
export function zeros(count: number): Buffer {
  return Buffer.alloc(count);
}

/** The unity transformation matrix of mvhd and tkhd (§8.2.2, §8.3.2): 16.16 and 2.30 fixed point. */
export const UNITY_MATRIX = Buffer.concat([0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000].map((v) => u32(v)));
