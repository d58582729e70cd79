import { childBoxes, childrenOf, findChild, Fmp4Error, fullBoxHeader, requireBytes, type BoxView } from './box.js';
import type { InitInfo, SampleDefaults } from './init-segment.js';

/** What one `traf` of a movie fragment holds (ISO/IEC 14496-12 §8.8.6). */
export interface TrackRun {
  readonly trackId: number;
  /** tfdt baseMediaDecodeTime (§8.8.12), timescale units. */
  readonly baseMediaDecodeTime: number;
  readonly sampleCount: number;
  /** Sum of the sample durations, timescale units. */
  readonly duration: number;
  /** True when the first sample is a sync sample (sample_is_non_sync_sample clear, §8.8.3.1). */
  readonly firstSampleSync: boolean;
}

/** sample_is_non_sync_sample in sample flags (§8.8.3.1). */
const NON_SYNC_SAMPLE = 0x0001_0000;

/** tfhd flags (§8.8.7.1). */
const TFHD = {
  BASE_DATA_OFFSET: 0x01,
  SAMPLE_DESCRIPTION_INDEX: 0x02,
  DEFAULT_DURATION: 0x08,
  DEFAULT_SIZE: 0x10,
  DEFAULT_FLAGS: 0x20,
} as const;

/** trun flags (§8.8.8.1). */
const TRUN = {
  DATA_OFFSET: 0x01,
  FIRST_SAMPLE_FLAGS: 0x04,
  SAMPLE_DURATION: 0x100,
  SAMPLE_SIZE: 0x200,
  SAMPLE_FLAGS: 0x400,
  SAMPLE_CTS_OFFSET: 0x800,
} as const;

/**
 * Parses a `moof` (§8.8.4): per `traf` the track id and defaults (tfhd §8.8.7, falling back to the init's
 * trex §8.8.3), baseMediaDecodeTime (tfdt §8.8.12) and every `trun` (§8.8.8): sample count, summed durations and
 * whether the first sample is a sync sample.
 * @param moof the moof box alone (header included).
 * @throws Fmp4Error when a box is malformed, a traf lacks tfhd/tfdt, or names a track the init does not have.
 */
export function parseMoof(moof: Buffer, init: InitInfo): TrackRun[] {
  const [root] = childBoxes(moof);
  if (root?.type !== 'moof') throw new Fmp4Error('expected a moof box');
  return childrenOf(moof, root)
    .filter((b) => b.type === 'traf')
    .map((traf) => parseTraf(moof, traf, init));
}

function parseTraf(buf: Buffer, traf: BoxView, init: InitInfo): TrackRun {
  const tfhd = findChild(buf, traf, 'tfhd');
  if (!tfhd) throw new Fmp4Error('traf without tfhd');
  const th = fullBoxHeader(buf, tfhd);
  requireBytes(tfhd, th.fields, 4);
  const trackId = buf.readUInt32BE(th.fields);
  const track = init.tracks.find((t) => t.trackId === trackId);
  if (!track) throw new Fmp4Error(`traf for track ${trackId}, which the init segment does not declare`);
  const defaults = tfhdDefaults(buf, tfhd, th.flags, th.fields + 4, track.defaults);

  const tfdt = findChild(buf, traf, 'tfdt');
  if (!tfdt) throw new Fmp4Error(`traf of track ${trackId} without tfdt`);
  const dt = fullBoxHeader(buf, tfdt);
  requireBytes(tfdt, dt.fields, dt.version === 1 ? 8 : 4);
  const baseMediaDecodeTime = dt.version === 1 ? Number(buf.readBigUInt64BE(dt.fields)) : buf.readUInt32BE(dt.fields);

  let sampleCount = 0;
  let duration = 0;
  let firstSampleSync: boolean | undefined;
  for (const trun of childrenOf(buf, traf).filter((b) => b.type === 'trun')) {
    const run = parseTrun(buf, trun, defaults);
    if (firstSampleSync === undefined && run.sampleCount > 0) firstSampleSync = run.firstSampleSync;
    sampleCount += run.sampleCount;
    duration += run.duration;
  }
  return { trackId, baseMediaDecodeTime, sampleCount, duration, firstSampleSync: firstSampleSync ?? false };
}

/** The sample defaults in force for a traf: tfhd's where present, else trex's. */
function tfhdDefaults(buf: Buffer, tfhd: BoxView, flags: number, offset: number, trex: SampleDefaults): SampleDefaults {
  let p = offset;
  if (flags & TFHD.BASE_DATA_OFFSET) p += 8;
  if (flags & TFHD.SAMPLE_DESCRIPTION_INDEX) p += 4;
  let { duration, size, flags: sampleFlags } = trex;
  const read = (): number => {
    requireBytes(tfhd, p, 4);
    const v = buf.readUInt32BE(p);
    p += 4;
    return v;
  };
  if (flags & TFHD.DEFAULT_DURATION) duration = read();
  if (flags & TFHD.DEFAULT_SIZE) size = read();
  if (flags & TFHD.DEFAULT_FLAGS) sampleFlags = read();
  return { duration, size, flags: sampleFlags };
}

function parseTrun(
  buf: Buffer,
  trun: BoxView,
  defaults: SampleDefaults,
): { sampleCount: number; duration: number; firstSampleSync: boolean } {
  const { flags, fields } = fullBoxHeader(buf, trun);
  requireBytes(trun, fields, 4);
  const sampleCount = buf.readUInt32BE(fields);
  let p = fields + 4;
  if (flags & TRUN.DATA_OFFSET) p += 4;
  let firstFlags: number | undefined;
  if (flags & TRUN.FIRST_SAMPLE_FLAGS) {
    requireBytes(trun, p, 4);
    firstFlags = buf.readUInt32BE(p);
    p += 4;
  }
  const fieldsPerSample = [TRUN.SAMPLE_DURATION, TRUN.SAMPLE_SIZE, TRUN.SAMPLE_FLAGS, TRUN.SAMPLE_CTS_OFFSET].filter(
    (f) => flags & f,
  ).length;
  requireBytes(trun, p, sampleCount * fieldsPerSample * 4);
  let duration = 0;
  for (let i = 0; i < sampleCount; i++) {
    duration += flags & TRUN.SAMPLE_DURATION ? buf.readUInt32BE(p) : defaults.duration;
    if (flags & TRUN.SAMPLE_DURATION) p += 4;
    if (flags & TRUN.SAMPLE_SIZE) p += 4;
    if (flags & TRUN.SAMPLE_FLAGS) {
      if (i === 0 && firstFlags === undefined) firstFlags = buf.readUInt32BE(p);
      p += 4;
    }
    if (flags & TRUN.SAMPLE_CTS_OFFSET) p += 4;
  }
  const first = firstFlags ?? defaults.flags;
  return { sampleCount, duration, firstSampleSync: (first & NON_SYNC_SAMPLE) === 0 };
}
