/** Thrown when bytes are not well-formed ISO BMFF (ISO/IEC 14496-12 §4.2) or break a configured bound. */
export class Fmp4Error extends Error {
  override readonly name = 'Fmp4Error';
}

/** Where one box sits in a buffer (ISO/IEC 14496-12 §4.2 Box). Offsets and sizes in bytes. */
export interface BoxView {
  /** Four-character code, e.g. "moof". */
  readonly type: string;
  /** Offset of the box's first byte (its size field). */
  readonly start: number;
  /** Offset of the payload: after size, type and a 64-bit largesize when present. */
  readonly body: number;
  /** Offset one past the box's last byte. */
  readonly end: number;
}

/**
 * Reads the box header at `offset` (ISO/IEC 14496-12 §4.2: 32-bit size, type, optional 64-bit largesize).
 * @returns the header's fields and the box's total size in bytes, or undefined when fewer than the header's
 *   bytes are available before `end`.
 * @throws Fmp4Error for size 0 ("to end of file", meaningless in a stream), sizes below the header or above
 *   2^53.
 */
export function readBoxHeader(
  buf: Buffer,
  offset: number,
  end = buf.length,
): { type: string; headerSize: number; size: number } | undefined {
  if (end - offset < 8) return undefined;
  const size32 = buf.readUInt32BE(offset);
  const type = buf.toString('latin1', offset + 4, offset + 8);
  if (size32 === 0) throw new Fmp4Error(`box ${type}: size 0 (to end of stream) is not supported`);
  if (size32 !== 1) {
    if (size32 < 8) throw new Fmp4Error(`box ${type}: size ${size32} is smaller than its header`);
    return { type, headerSize: 8, size: size32 };
  }
  if (end - offset < 16) return undefined;
  const large = buf.readBigUInt64BE(offset + 8);
  if (large < 16n || large > BigInt(Number.MAX_SAFE_INTEGER))
    throw new Fmp4Error(`box ${type}: largesize ${large} out of range`);
  return { type, headerSize: 16, size: Number(large) };
}

/**
 * The boxes laid end to end in `buf[start, end)`, e.g. the children of a container box.
 * @throws Fmp4Error when a box is truncated or runs past `end`.
 */
export function childBoxes(buf: Buffer, start = 0, end = buf.length): BoxView[] {
  const out: BoxView[] = [];
  let offset = start;
  while (offset < end) {
    const header = readBoxHeader(buf, offset, end);
    if (!header) throw new Fmp4Error(`truncated box header at byte ${offset}`);
    if (offset + header.size > end) throw new Fmp4Error(`box ${header.type} at byte ${offset} runs past its parent`);
    out.push({ type: header.type, start: offset, body: offset + header.headerSize, end: offset + header.size });
    offset += header.size;
  }
  return out;
}

/** The children of a container box. @throws Fmp4Error when malformed. */
export function childrenOf(buf: Buffer, box: BoxView): BoxView[] {
  return childBoxes(buf, box.body, box.end);
}

/** The first child of `box` with `type`, if any. @throws Fmp4Error when malformed. */
export function findChild(buf: Buffer, box: BoxView, type: string): BoxView | undefined {
  return childrenOf(buf, box).find((b) => b.type === type);
}

/**
 * Follows a path of container types from `box`, e.g. `["mdia", "minf", "stbl"]`.
 * @returns the box at the end of the path, or undefined when a step is missing.
 */
export function findPath(buf: Buffer, box: BoxView, path: readonly string[]): BoxView | undefined {
  let at: BoxView | undefined = box;
  for (const type of path) {
    if (!at) return undefined;
    at = findChild(buf, at, type);
  }
  return at;
}

/**
 * Version and flags of a FullBox (ISO/IEC 14496-12 §4.2), and the offset of its fields after them.
 * @throws Fmp4Error when the box is too short for them.
 */
export function fullBoxHeader(buf: Buffer, box: BoxView): { version: number; flags: number; fields: number } {
  requireBytes(box, box.body, 4);
  return { version: buf.readUInt8(box.body), flags: buf.readUIntBE(box.body + 1, 3), fields: box.body + 4 };
}

/** @throws Fmp4Error when `box` has fewer than `count` bytes left at `offset`. */
export function requireBytes(box: BoxView, offset: number, count: number): void {
  if (offset + count > box.end) throw new Fmp4Error(`box ${box.type} is too short (${box.end - box.start} bytes)`);
}
