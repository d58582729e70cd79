import { childBoxes, childrenOf, findChild, findPath, type BoxView } from '../fmp4/box.js';
import { parseMoof } from '../fmp4/fragment.js';
import { parseInit } from '../fmp4/init-segment.js';

// Reads back what ffmpeg writes with `-movflags +frag_keyframe+empty_moov+default_base_moof -frag_duration 1`:
// one track, one sample per fragment, so a publish can be replayed sample by sample in the tests.

/** One track of a fragmented MP4 file, sample by sample. */
export interface Fmp4Track {
  /** The body of the sample entry's configuration box (`hvcC`, `av1C`, `vpcC`, `dOps`, …). */
  readonly config: Buffer;
  readonly timescale: number;
  readonly samples: ReadonlyArray<{ readonly dtsMs: number; readonly keyframe: boolean; readonly data: Buffer }>;
}

/**
 * The single track of a fragmented MP4 with one sample per moof+mdat.
 * @param configBox the configuration box to take from the first sample entry.
 * @param entryHeaderBytes bytes of the sample entry before its child boxes: 78 visual, 28 audio.
 * @throws Error when the file is not laid out that way.
 */
export function readFmp4Track(mp4: Buffer, configBox: string, entryHeaderBytes: number): Fmp4Track {
  const boxes = childBoxes(mp4);
  const moov = boxes.find((b) => b.type === 'moov');
  const stsd = moov && findPath(mp4, moov, ['trak', 'mdia', 'minf', 'stbl', 'stsd']);
  if (!moov || !stsd) throw new Error('no moov/stsd');
  const [entry] = childBoxes(mp4, stsd.body + 8, stsd.end);
  const box = entry && childBoxes(mp4, entry.body + entryHeaderBytes, entry.end).find((b) => b.type === configBox);
  if (!box) throw new Error(`no ${configBox} box`);
  const init = parseInit(mp4.subarray(0, moov.end));
  const timescale = init.tracks[0]?.timescale ?? 1;
  const samples: Array<{ dtsMs: number; keyframe: boolean; data: Buffer }> = [];
  let moof: BoxView | undefined;
  for (const b of boxes) {
    if (b.type === 'moof') moof = b;
    if (b.type !== 'mdat' || !moof) continue;
    const [run] = parseMoof(mp4.subarray(moof.start, moof.end), init);
    if (!run || run.sampleCount !== 1) throw new Error('expected one sample per fragment');
    const traf = findChild(mp4, moof, 'traf');
    if (!traf || childrenOf(mp4, traf).length === 0) throw new Error('no traf');
    samples.push({
      dtsMs: Math.round((run.baseMediaDecodeTime * 1000) / timescale),
      keyframe: run.firstSampleSync,
      data: mp4.subarray(b.body, b.end),
    });
  }
  return { config: mp4.subarray(box.body, box.end), timescale, samples };
}
