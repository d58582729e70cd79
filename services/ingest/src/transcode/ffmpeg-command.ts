import type { TranscodedRendition } from './ladder.js';

/** Options of {@link ffmpegOptions}. */
export interface FfmpegCommandOptions {
  /** The transcoded renditions; the source rendition is repackaged in process and never reaches ffmpeg. */
  ladder: readonly TranscodedRendition[];
  /** One output URL per ladder entry, same order. */
  outputs: readonly string[];
  /** Tracks of the input (from the FLV header). */
  tracks: { audio: boolean; video: boolean };
  /**
   * What comes on stdin: the publisher's FLV, or (an Enhanced RTMP publish, which ffmpeg 5.1's FLV demuxer cannot
   * read) the source rendition's fragmented MP4. @default "flv"
   */
  inputFormat?: 'flv' | 'mp4';
  /** Target fragment (part) duration, ms (`-frag_duration`). */
  fragmentDurationMs: number;
}

/**
 * ffmpeg's `-frag_duration` for a Part Target Duration, ms. The mp4 muxer closes a fragment before the first
 * packet at or past the fragment duration, so a part holds whole frames and lasts up to one frame interval more
 * than that: 90% of the target keeps parts within the target (rfc8216bis §4.4.4.9) for frame intervals up to a
 * tenth of it (30 ms for the default 334 ms: 30 fps and above), and within 85% of it (its lower bound, but for the
 * last part of a segment) at those rates.
 */
export function fragmentDurationFor(partTargetMs: number): number {
  return Math.floor(0.9 * partTargetMs);
}

/** The options of the one ffmpeg command of a live stream, as data; `FfmpegRun` hands them to fluent-ffmpeg. */
export interface FfmpegOptions {
  /** Format of the input on stdin. */
  readonly inputFormat: 'flv' | 'mp4';
  readonly inputOptions: readonly string[];
  /** One per rendition, in ladder order. */
  readonly outputs: ReadonlyArray<{ readonly url: string; readonly options: readonly string[] }>;
}

/**
 * The fragmented-MP4 muxer flags of every output (ISO/IEC 14496-12 §8.8): a fragment at each keyframe, an
 * init segment without samples, and offsets relative to each moof (the CMAF/HLS layout, RFC 8216 §3.3).
 */
const MOVFLAGS = '+frag_keyframe+empty_moov+default_base_moof';

/**
 * The one ffmpeg command of a live stream's transcodes: FLV (or fMP4) from stdin, decoded once, one fragmented MP4 output
 * per transcoded rendition. Each is libx264 `veryfast` scaled to fit its size
 * (letterboxed, square pixels), keyframes forced where the source has them (`-force_key_frames source` with
 * `-fps_mode passthrough`, so frames are neither dropped nor duplicated and segments line up across renditions),
 * no scene-cut keyframes, capped bit rate, AAC audio.
 * @throws Error when a rendition has no output URL.
 */
export function ffmpegOptions(o: FfmpegCommandOptions): FfmpegOptions {
  const outputs = o.ladder.map((entry, i) => {
    const url = o.outputs[i];
    if (url === undefined) throw new Error(`no output URL for rendition ${entry.name}`);
    const maps = [...(o.tracks.video ? ['-map', '0:v:0'] : []), ...(o.tracks.audio ? ['-map', '0:a:0'] : [])];
    const codecs = transcodeOptions(entry, o.tracks);
    const fragments = ['-f', 'mp4', '-movflags', MOVFLAGS, '-frag_duration', String(o.fragmentDurationMs * 1000)];
    return { url, options: [...maps, ...codecs, ...fragments, '-flush_packets', '1'] };
  });
  return {
    inputFormat: o.inputFormat ?? 'flv',
    // The sequence headers come first, so half a second of probing is enough and saves a second of latency.
    inputOptions: ['-hide_banner', '-nostats', '-loglevel', 'warning', '-analyzeduration', '500000'],
    outputs,
  };
}

function transcodeOptions(r: TranscodedRendition, tracks: { audio: boolean; video: boolean }): string[] {
  const video = [
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-vf',
    `scale=${r.width}:${r.height}:force_original_aspect_ratio=decrease,pad=${r.width}:${r.height}:(ow-iw)/2:(oh-ih)/2,setsar=1`,
    '-pix_fmt',
    'yuv420p',
    '-fps_mode',
    'passthrough',
    '-force_key_frames',
    'source',
    '-sc_threshold',
    '0',
    '-b:v',
    `${r.videoKbps}k`,
    '-maxrate',
    `${r.videoKbps}k`,
    '-bufsize',
    `${r.videoKbps * 2}k`,
  ];
  const audio = ['-c:a', 'aac', '-b:a', `${r.audioKbps}k`];
  return [...(tracks.video ? video : []), ...(tracks.audio ? audio : [])];
}
