import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startProcess, type TestProcess } from './process.js';

/** Options of {@link publishTestStream}. */
export interface PublishOptions {
  /** Full RTMP URL including the stream key, e.g. "rtmp://127.0.0.1:1935/live/<key>". */
  url: string;
  /** Length of the stream, s. @default 12 */
  durationS?: number;
  /** Frame size. @default "1280x720" */
  size?: string;
  /** Frames per second. @default 25 */
  fps?: number;
  /** Keyframe interval, frames. @default 50 (2 s at 25 fps) */
  gop?: number;
  /** Added to every output timestamp (`-output_ts_offset`), s: e.g. 16770 starts just below 2^24 ms. @default 0 */
  timestampOffsetS?: number;
}

/**
 * Publishes `lavfi testsrc2` (H.264) + `sine` (AAC) in real time to an RTMP URL with the ffmpeg from PATH,
 * the way a streamer's ffmpeg would.
 */
export function publishTestStream({
  url,
  durationS = 12,
  size = '1280x720',
  fps = 25,
  gop = 50,
  timestampOffsetS = 0,
}: PublishOptions): TestProcess {
  return startProcess('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=${fps}`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    String(durationS),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(gop),
    '-b:v',
    '1000k',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    ...(timestampOffsetS ? ['-output_ts_offset', String(timestampOffsetS)] : []),
    '-f',
    'flv',
    url,
  ]);
}

/** What `ffprobe -show_streams -show_format -of json` reports. */
export interface ProbeResult {
  streams: Array<{
    codec_type: string;
    codec_name: string;
    width?: number;
    height?: number;
    profile?: string;
    sample_rate?: string;
    channels?: number;
  }>;
  format: { duration?: string; format_name: string };
}

/**
 * Runs ffprobe on a URL or file (an HLS playlist reads every segment it lists).
 * @throws Error with ffprobe's stderr when it fails.
 */
export async function ffprobe(input: string, timeoutMs = 30_000): Promise<ProbeResult> {
  const { stdout } = await promisify(execFile)(
    'ffprobe',
    ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', input],
    { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as ProbeResult;
}
