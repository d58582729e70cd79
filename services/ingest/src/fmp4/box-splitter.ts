import { Fmp4Error, readBoxHeader } from './box.js';

/** One complete top-level box cut from a byte stream. */
export interface TopLevelBox {
  /** Four-character code, e.g. "moof". */
  readonly type: string;
  /** The whole box, header included. */
  readonly data: Buffer;
}

/**
 * Cuts a byte stream into its top-level boxes (ISO/IEC 14496-12 §4.2), whatever the chunking: a header or a
 * box split across any number of chunks is joined. Each byte is copied at most twice.
 */
export class BoxSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Total size of the box being collected once its header is known, bytes. */
  private wanted: number | undefined;

  /** @param maxBoxBytes largest box accepted, bytes; bigger ones are an error rather than memory growth. */
  constructor(readonly maxBoxBytes: number) {}

  /** Bytes held that do not yet form a complete box. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Adds a chunk and returns the boxes it completes, in stream order.
   * @throws Fmp4Error for a malformed header or a box larger than `maxBoxBytes`; the splitter is unusable then.
   */
  push(chunk: Buffer): TopLevelBox[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: TopLevelBox[] = [];
    for (;;) {
      if (this.wanted === undefined) {
        const head = this.peekHeader();
        if (!head) break;
        if (head.size > this.maxBoxBytes)
          throw new Fmp4Error(`box ${head.type} of ${head.size} bytes exceeds the bound of ${this.maxBoxBytes}`);
        this.wanted = head.size;
      }
      if (this.buffered < this.wanted) break;
      const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.buffered);
      const data = all.subarray(0, this.wanted);
      out.push({ type: data.toString('latin1', 4, 8), data });
      const rest = all.subarray(this.wanted);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.wanted = undefined;
    }
    return out;
  }

  /** Reads the next box's header once its 8 (or 16, with largesize) bytes are buffered. */
  private peekHeader(): { type: string; size: number } | undefined {
    if (this.buffered < 8) return undefined;
    let first = this.chunks[0] as Buffer;
    if (first.length < 16 && this.chunks.length > 1) {
      first = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [first];
    }
    return readBoxHeader(first, 0);
  }
}
