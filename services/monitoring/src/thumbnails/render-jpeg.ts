import { spawn } from 'node:child_process';

/** Options of {@link renderJpeg}. */
export interface RenderJpegOptions {
  /** ffmpeg binary: a name on PATH or a path. */
  ffmpegPath: string;
  /** Width of the picture, pixels; the height keeps the aspect ratio, rounded to an even number. */
  width: number;
  /** ffmpeg is killed when it has not exited after this long, ms. */
  timeoutMs: number;
  /** ffmpeg is killed when its output passes this size, bytes. */
  maxOutputBytes: number;
  /** ffmpeg is killed when it aborts (a stopping service). */
  signal?: AbortSignal | undefined;
}

/** Why {@link renderJpeg} failed: ffmpeg could not start, exited non-zero, ran out of time or wrote too much. */
export class RenderJpegError extends Error {
  override readonly name = 'RenderJpegError';
}

/** Bytes of ffmpeg's stderr kept for the error message. */
const STDERR_KEPT = 2048;

/**
 * Decodes the first video frame of `mp4` (an fMP4 init section followed by one fragment that starts with a keyframe,
 * ISO/IEC 14496-12) into a JPEG with one short-lived ffmpeg:
 * `ffmpeg -f mp4 -i pipe:0 -frames:v 1 -vf scale=<width>:-2 -q:v 5 -f mjpeg pipe:1`.
 * @returns the JPEG, bytes (starts with SOI FF D8, ends with EOI FF D9).
 * @throws RenderJpegError when ffmpeg fails, writes no picture, times out, writes more than `maxOutputBytes`, or
 *   `signal` aborts.
 */
export function renderJpeg(
  mp4: Buffer,
  { ffmpegPath, width, timeoutMs, maxOutputBytes, signal }: RenderJpegOptions,
): Promise<Buffer> {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'mp4', '-i', 'pipe:0', '-an', '-frames:v', '1'];
  args.push('-vf', `scale=${width}:-2`, '-q:v', '5', '-f', 'mjpeg', 'pipe:1');
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let outputBytes = 0;
    let stderr = '';
    let failure: string | undefined;
    const kill = (why: string): void => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(`ffmpeg did not finish within ${timeoutMs} ms`), timeoutMs);
    const aborted = (): void => kill('aborted');
    signal?.addEventListener('abort', aborted, { once: true });
    if (signal?.aborted) aborted();
    child.stdout.on('data', (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > maxOutputBytes) kill(`ffmpeg wrote more than ${maxOutputBytes} bytes`);
      else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_KEPT) stderr += chunk.toString('utf8').slice(0, STDERR_KEPT - stderr.length);
    });
    // ffmpeg stops reading once it has its frame: a broken pipe on stdin is expected then.
    child.stdin.on('error', () => undefined);
    child.stdin.end(mp4);
    child.on('error', (err) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      reject(new RenderJpegError(`ffmpeg could not start: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, exitSignal) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      const jpeg = Buffer.concat(chunks);
      if (failure) reject(new RenderJpegError(failure));
      else if (code !== 0) reject(new RenderJpegError(`ffmpeg exited with ${code ?? exitSignal}: ${stderr.trim()}`));
      else if (!isJpeg(jpeg))
        reject(new RenderJpegError(`ffmpeg wrote no JPEG (${jpeg.length} bytes): ${stderr.trim()}`));
      else resolve(jpeg);
    });
  });
}

/** Whether `data` is framed as one JPEG: SOI (FF D8) first and EOI (FF D9) last (ITU-T T.81 §B.2). */
export function isJpeg(data: Buffer): boolean {
  const n = data.length;
  return n >= 4 && data[0] === 0xff && data[1] === 0xd8 && data[n - 2] === 0xff && data[n - 1] === 0xd9;
}
