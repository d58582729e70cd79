import { RemuxError } from './remux-error.js';

/**
 * Reads a bit string most significant bit first, with the Exp-Golomb codes of ITU-T H.264 §9.1 (ue(v), se(v)).
 * @throws RemuxError from every read that runs past the end.
 */
export class BitReader {
  private bit = 0;

  /** @param what names the structure in errors, e.g. "H.264 SPS". */
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  /** Reads `count` (≤ 32) bits as an unsigned number. */
  bits(count: number): number {
    if (this.bit + count > this.buf.length * 8) throw new RemuxError(`${this.what} is truncated`);
    let v = 0;
    for (let i = 0; i < count; i++) {
      const byte = this.buf[this.bit >> 3] ?? 0;
      v = v * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }

  /** One bit as a flag. */
  flag(): boolean {
    return this.bits(1) === 1;
  }

  /** ue(v) (§9.1): leading zeros, a one, then as many bits. At most 31 leading zeros. */
  ue(): number {
    let zeros = 0;
    while (this.bits(1) === 0) {
      if (++zeros > 31) throw new RemuxError(`${this.what} has an Exp-Golomb code over 32 bits`);
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  /** se(v) (§9.1.1): ue(v) k mapped to (-1)^(k+1) × ⌈k ÷ 2⌉. */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
}

/**
 * The RBSP of a NAL unit (ITU-T H.264 §7.4.1, H.265 §7.4.2): the payload with every emulation_prevention_three_byte
 * (0x03 after two zero bytes) removed.
 */
export function unescapeRbsp(nal: Buffer): Buffer {
  const out = Buffer.allocUnsafe(nal.length);
  let n = 0;
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out[n++] = byte;
  }
  return out.subarray(0, n);
}
