import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The publish the issue prices: 720p at 30 fps, 2.5 Mbit/s video, GOP 2 s, AAC 128 kbit/s. */
export const INPUT = { size: '1280x720', fps: 30, videoKbps: 2500, audioKbps: 128, gopFrames: 60, seconds: 30 };

/**
 * Encodes the input once into `<dir>/input.flv`, as fast as ffmpeg can: lavfi testsrc2 and a 440 Hz sine, libx264
 * veryfast (B-frames on, as OBS sends them), a keyframe exactly every {@link INPUT}.gopFrames, 2.5 Mbit/s held by
 * `-maxrate`/`-bufsize`, AAC. The publishers replay it, so they cost no encoding.
 * @param {string} dir
 * @param {typeof INPUT} [input] another size, rate, bit rates (kbit/s), GOP (frames) or length (s) than {@link INPUT}.
 * @returns {Promise<string>} the file's path.
 * @throws Error with ffmpeg's output when it fails.
 */
export async function encodeInputFile(dir, input = INPUT) {
  const path = join(dir, 'input.flv');
  const { size, fps, videoKbps, audioKbps, gopFrames, seconds } = input;
  await promisify(execFile)('ffmpeg', [
    ...['-hide_banner', '-nostats', '-loglevel', 'warning'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-t', String(seconds), '-map', '0:v', '-map', '1:a'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
    ...['-g', String(gopFrames), '-keyint_min', String(gopFrames), '-sc_threshold', '0'],
    ...['-b:v', `${videoKbps}k`, '-maxrate', `${videoKbps}k`, '-bufsize', `${2 * videoKbps}k`],
    ...['-c:a', 'aac', '-b:a', `${audioKbps}k`],
    ...['-y', path],
  ]);
  return path;
}
