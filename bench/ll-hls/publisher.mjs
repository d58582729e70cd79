import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startProcess } from '@onair/testing';
import { onCleanup } from './cleanup.mjs';

/** Frames per second of the test picture. */
const FPS = 30;
/** Keyframe interval, frames: 2 s. */
const GOP = 60;

/** lavfi testsrc2 at `size`, FPS, and a 440 Hz sine, as ffmpeg inputs. */
function testInputs(size) {
  return [
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=${FPS}`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
  ];
}

/** The encoder: x264 veryfast zerolatency (no B-frames), a keyframe exactly every GOP frames, AAC. */
const ENCODE = [
  ...['-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency'],
  ...['-pix_fmt', 'yuv420p', '-g', String(GOP), '-keyint_min', String(GOP), '-sc_threshold', '0', '-b:v', '1000k'],
  ...['-c:a', 'aac', '-b:a', '96k'],
];

const QUIET = ['-hide_banner', '-nostats', '-loglevel', 'warning'];

/**
 * Publishes the test picture in real time (`-re`) from ONE encoder to several RTMP URLs at once with ffmpeg's tee
 * muxer (`[f=flv:onfail=abort]url|…`, global headers so each FLV output gets the AVC and AAC sequence headers).
 * @param {{ urls: string[], size: string, seconds: number }} options size "<width>x<height>"; seconds bounds the
 *   publish (it is normally stopped before).
 * @returns the ffmpeg process (a TestProcess of @onair/testing), whose stop() also unregisters its cleanup.
 */
export function publishTee({ urls, size, seconds }) {
  const tee = urls.map((url) => `[f=flv:onfail=abort]${url}`).join('|');
  const args = [...QUIET, '-re', ...testInputs(size), '-t', String(seconds), ...ENCODE, '-flags', '+global_header'];
  const proc = startProcess('ffmpeg', [...args, '-f', 'tee', tee]);
  return { ...proc, stop: onCleanup(() => proc.stop()) };
}

/**
 * Encodes `seconds` of the test picture once into `<dir>/input.flv`, as fast as it can, so that a load test can
 * publish it with stream copy and leave the CPU to the server under test.
 * @param {{ dir: string, size: string, seconds: number }} options
 * @returns {Promise<string>} the file's path.
 */
export async function encodeInputFile({ dir, size, seconds }) {
  const path = join(dir, 'input.flv');
  await promisify(execFile)('ffmpeg', [...QUIET, ...testInputs(size), '-t', String(seconds), ...ENCODE, '-y', path]);
  return path;
}

/**
 * Publishes a file in real time (`-re`), looped without end (`-stream_loop -1`, timestamps kept increasing), with
 * stream copy: the cheapest live publisher ffmpeg can be.
 * @param {{ file: string, url: string }} options
 * @returns the ffmpeg process, as {@link publishTee}.
 */
export function publishFileLoop({ file, url }) {
  const proc = startProcess('ffmpeg', [
    ...QUIET,
    '-re',
    '-stream_loop',
    '-1',
    '-i',
    file,
    '-c',
    'copy',
    '-f',
    'flv',
    url,
  ]);
  return { ...proc, stop: onCleanup(() => proc.stop()) };
}
