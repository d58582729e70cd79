import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isJpeg, renderJpeg, RenderJpegError } from './render-jpeg.js';

const OPTIONS = { ffmpegPath: 'ffmpeg', width: 320, timeoutMs: 10_000, maxOutputBytes: 1024 * 1024 };

/** One second of lavfi testsrc2 as fragmented MP4 (init + fragments), made by the real ffmpeg. */
function fmp4(): Buffer {
  return execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-t', '1'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p'],
    ...['-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', 'pipe:1'],
  ]);
}

describe('renderJpeg (real ffmpeg)', () => {
  it('decodes an fMP4 keyframe into a JPEG of the asked width', async () => {
    const jpeg = await renderJpeg(fmp4(), OPTIONS);
    expect(isJpeg(jpeg)).toBe(true);
    // SOF0 (FF C0): length(2) precision(1) height(2) width(2), ITU-T T.81 §B.2.2.
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect([jpeg.readUInt16BE(sof + 7), jpeg.readUInt16BE(sof + 5)]).toEqual([320, 180]);
  });

  it.each([
    ['input that is not MP4', Buffer.from('not an mp4 at all'), OPTIONS, /ffmpeg exited with/],
    ['a JPEG over the output cap', fmp4(), { ...OPTIONS, maxOutputBytes: 100 }, /more than 100 bytes/],
    ['an ffmpeg that is not there', fmp4(), { ...OPTIONS, ffmpegPath: '/nonexistent/ffmpeg' }, /could not start/],
  ])('fails with RenderJpegError on %s', async (_what, input, options, message) => {
    const result = renderJpeg(input, options);
    await expect(result).rejects.toThrow(RenderJpegError);
    await expect(result).rejects.toThrow(message);
  });

  it('kills ffmpeg when the signal aborts', async () => {
    const stopping = new AbortController();
    const result = renderJpeg(fmp4(), { ...OPTIONS, signal: stopping.signal });
    stopping.abort();
    await expect(result).rejects.toThrow(/aborted/);
  });

  it('kills ffmpeg at the deadline', async () => {
    await expect(renderJpeg(fmp4(), { ...OPTIONS, timeoutMs: 1 })).rejects.toThrow(/did not finish within 1 ms/);
  });
});

describe('isJpeg', () => {
  it.each([
    [[0xff, 0xd8, 0x00, 0xff, 0xd9], true],
    [[0xff, 0xd8, 0xff, 0xd9], true],
    [[0xff, 0xd8, 0x00, 0x00], false],
    [[0x89, 0x50, 0x4e, 0x47, 0xff, 0xd9], false],
    [[0xff, 0xd8], false],
  ])('%j is %s', (bytes, expected) => {
    expect(isJpeg(Buffer.from(bytes))).toBe(expected);
  });
});
