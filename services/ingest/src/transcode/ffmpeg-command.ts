import ffmpeg, { type FfmpegCommand } from 'fluent-ffmpeg';
import type { Readable } from 'node:stream';
import type { LadderEntry, TranscodedRendition } from './ladder.js';

/** Options of {@link buildFfmpegCommand}. */
export interface FfmpegCommandOptions {
  /** ffmpeg binary. */
  ffmpegPath: string;
  ladder: readonly LadderEntry[];
  /** The FLV stream (fed to ffmpeg's stdin). */
  input: Readable;
  /** One output URL per ladder entry, same order. */
  outputs: readonly string[];
  /** Tracks of the input (from the FLV header). */
  tracks: { audio: boolean; video: boolean };
  /** Target fragment (part) duration, ms (`-frag_duration`). */
  fragmentDurationMs: number;
  /** Lines of ffmpeg output fluent-ffmpeg keeps for its error messages. @default 20 */
  keptLines?: number;
}

/**
 * The fragmented-MP4 muxer flags of every output (ISO/IEC 14496-12 §8.8): a fragment at each keyframe, an
 * init segment without samples, and offsets relative to each moof (the CMAF/HLS layout, RFC 8216 §3.3).
 */
const MOVFLAGS = '+frag_keyframe+empty_moov+default_base_moof';

/**
 * Builds the one ffmpeg command of a live stream: FLV from stdin, decoded once, one fragmented MP4 output per
 * rendition. `source` copies the publisher's streams; a transcoded rendition is libx264 `veryfast` scaled to
 * fit its size (letterboxed, square pixels), keyframes forced where the source has them
 * (`-force_key_frames source` with `-fps_mode passthrough`, so frames are neither dropped nor duplicated and
 * segments line up across renditions), no scene-cut keyframes, capped bit rate, AAC audio.
 */
export function buildFfmpegCommand(o: FfmpegCommandOptions): FfmpegCommand {
  const command = ffmpeg({ stdoutLines: o.keptLines ?? 20 })
    .setFfmpegPath(o.ffmpegPath)
    .input(o.input)
    .inputFormat('flv')
    // The sequence headers come first, so half a second of probing is enough and saves a second of latency.
    .inputOptions(['-hide_banner', '-nostats', '-loglevel', 'warning', '-analyzeduration', '500000']);
  o.ladder.forEach((entry, i) => {
    const target = o.outputs[i];
    if (target === undefined) throw new Error(`no output URL for rendition ${entry.name}`);
    const maps = [...(o.tracks.video ? ['-map', '0:v:0'] : []), ...(o.tracks.audio ? ['-map', '0:a:0'] : [])];
    const codecs = entry.kind === 'source' ? ['-c', 'copy'] : transcodeOptions(entry, o.tracks);
    command
      .output(target)
      .outputOptions([
        ...maps,
        ...codecs,
        '-f',
        'mp4',
        '-movflags',
        MOVFLAGS,
        '-frag_duration',
        String(o.fragmentDurationMs * 1000),
        '-flush_packets',
        '1',
      ]);
  });
  return command;
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
