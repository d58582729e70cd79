import { BoxSplitter } from './box-splitter.js';
import { Fmp4Error } from './box.js';
import { parseMoof } from './fragment.js';
import { parseInit, type InitInfo } from './init-segment.js';
import { summarizeFragment, type PartInfo } from './part-info.js';

/** What a fragmented MP4 stream yields: its init segment once, then parts. */
export type Fmp4Item =
  | { readonly kind: 'init'; readonly data: Buffer; readonly info: InitInfo }
  | { readonly kind: 'part'; readonly data: Buffer; readonly info: PartInfo };

/**
 * Reads one fragmented MP4 byte stream (ISO/IEC 14496-12 §8.8, as ffmpeg writes with
 * `+frag_keyframe+empty_moov+default_base_moof`): the init segment (ftyp+moov, §8.16.1 note on initialization
 * segments) and then one part per moof+mdat pair, whatever the chunking. Other top-level boxes (free, styp,
 * sidx, mfra, …) are skipped, as §4.2 asks of readers for boxes they do not need.
 */
export class Fmp4Reader {
  private readonly splitter: BoxSplitter;
  private ftyp: Buffer | undefined;
  private initInfo: InitInfo | undefined;
  private moof: { data: Buffer; runs: ReturnType<typeof parseMoof> } | undefined;

  /** @param maxBoxBytes largest box accepted, bytes (a part's mdat is one box). */
  constructor(maxBoxBytes: number) {
    this.splitter = new BoxSplitter(maxBoxBytes);
  }

  /** The parsed init segment, once seen. */
  get init(): InitInfo | undefined {
    return this.initInfo;
  }

  /**
   * Adds a chunk of the stream and returns the items it completes, in order.
   * @throws Fmp4Error when the stream is malformed or out of order (a part before the init, a moof without its
   *   mdat, a second init); the reader is unusable then.
   */
  push(chunk: Buffer): Fmp4Item[] {
    const out: Fmp4Item[] = [];
    for (const box of this.splitter.push(chunk)) {
      const item = this.take(box.type, box.data);
      if (item) out.push(item);
    }
    return out;
  }

  private take(type: string, data: Buffer): Fmp4Item | undefined {
    if (!this.initInfo) {
      if (type === 'ftyp') {
        this.ftyp = data;
        return undefined;
      }
      if (type === 'moov') {
        const init = this.ftyp ? Buffer.concat([this.ftyp, data]) : Buffer.from(data);
        this.initInfo = parseInit(init);
        return { kind: 'init', data: init, info: this.initInfo };
      }
      if (type === 'moof' || type === 'mdat') throw new Fmp4Error(`${type} before the init segment`);
      return undefined;
    }
    switch (type) {
      case 'moof':
        if (this.moof) throw new Fmp4Error('moof without its mdat');
        this.moof = { data, runs: parseMoof(data, this.initInfo) };
        return undefined;
      case 'mdat': {
        const moof = this.moof;
        if (!moof) throw new Fmp4Error('mdat without a moof');
        this.moof = undefined;
        return {
          kind: 'part',
          data: Buffer.concat([moof.data, data]),
          info: summarizeFragment(moof.runs, this.initInfo),
        };
      }
      case 'ftyp':
      case 'moov':
        throw new Fmp4Error(`second ${type} in one stream`);
      default:
        return undefined;
    }
  }
}
