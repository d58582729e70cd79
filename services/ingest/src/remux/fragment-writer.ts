/** One sample of a track run. Durations and offsets in the track's timescale units. */
export interface FragmentSample {
  readonly duration: number;
  /** Bytes. */
  readonly size: number;
  /** Sample flags (ISO/IEC 14496-12 §8.8.3.1), e.g. {@link SAMPLE_FLAGS}. */
  readonly flags: number;
  /** Presentation time minus decode time (B-frames), signed. */
  readonly compositionOffset: number;
}

/** One track's share of a fragment. */
export interface FragmentTrack {
  readonly trackId: number;
  /** Decode time of the first sample, timescale units (tfdt §8.8.12). */
  readonly baseMediaDecodeTime: number;
  readonly samples: readonly FragmentSample[];
  /** The samples' bytes, in order; their lengths add up to the samples' sizes. */
  readonly data: readonly Buffer[];
  /** Writes composition offsets (video with B-frames may need them; audio never does). */
  readonly compositionOffsets: boolean;
}

/** Sample flags (§8.8.3.1): a sync sample depending on no other, and a non-sync one depending on others. */
export const SAMPLE_FLAGS = { SYNC: 0x0200_0000, NON_SYNC: 0x0101_0000 } as const;

/** tfhd default-base-is-moof (§8.8.7.1): data offsets count from the moof's first byte. */
const TFHD_DEFAULT_BASE_IS_MOOF = 0x02_0000;
/** trun data-offset, sample-duration, -size, -flags and -composition-time-offset present (§8.8.8.1). */
const TRUN_FLAGS = { DATA_OFFSET: 0x001, DURATION: 0x100, SIZE: 0x200, FLAGS: 0x400, CTS: 0x800 } as const;

/**
 * A movie fragment as one buffer: `moof` (mfhd §8.8.5; per track a `traf` with tfhd, a version-1 tfdt and one
 * trun stating every sample's duration, size, flags and, where asked, signed composition offset, trun version 1)
 * followed by its `mdat` (§8.1.1), the tracks' samples in track order. Tracks without samples are left out.
 * @param sequence mfhd sequence_number, increasing from 1 within a stream.
 */
export function writeFragment(sequence: number, tracks: readonly FragmentTrack[]): Buffer {
  const present = tracks.filter((t) => t.samples.length > 0);
  const trunSize = (t: FragmentTrack): number => 20 + t.samples.length * (t.compositionOffsets ? 16 : 12);
  const trafSize = (t: FragmentTrack): number => 8 + 16 + 20 + trunSize(t);
  const moofSize = 8 + 16 + present.reduce((n, t) => n + trafSize(t), 0);
  let mdatSize = 8;
  for (const t of present) for (const d of t.data) mdatSize += d.length;
  const head = Buffer.allocUnsafe(moofSize + 8);
  let p = 0;
  const u32 = (v: number): void => {
    head.writeUInt32BE(v >>> 0, p);
    p += 4;
  };
  const header = (size: number, type: string): void => {
    u32(size);
    head.write(type, p, 4, 'latin1');
    p += 4;
  };
  header(moofSize, 'moof');
  header(16, 'mfhd');
  u32(0);
  u32(sequence);
  let dataOffset = moofSize + 8;
  for (const t of present) {
    header(trafSize(t), 'traf');
    header(16, 'tfhd');
    u32(TFHD_DEFAULT_BASE_IS_MOOF);
    u32(t.trackId);
    header(20, 'tfdt');
    u32(0x0100_0000); // version 1: 64-bit baseMediaDecodeTime
    head.writeBigUInt64BE(BigInt(t.baseMediaDecodeTime), p);
    p += 8;
    header(trunSize(t), 'trun');
    const flags = TRUN_FLAGS.DATA_OFFSET | TRUN_FLAGS.DURATION | TRUN_FLAGS.SIZE | TRUN_FLAGS.FLAGS;
    u32(t.compositionOffsets ? 0x0100_0000 | flags | TRUN_FLAGS.CTS : flags);
    u32(t.samples.length);
    u32(dataOffset);
    for (const s of t.samples) {
      u32(s.duration);
      u32(s.size);
      u32(s.flags);
      if (t.compositionOffsets) {
        head.writeInt32BE(s.compositionOffset, p);
        p += 4;
      }
      dataOffset += s.size;
    }
  }
  header(mdatSize, 'mdat');
  const pieces: Buffer[] = [head];
  for (const t of present) pieces.push(...t.data);
  return Buffer.concat(pieces, moofSize + mdatSize);
}
