import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** A top-level ISO BMFF box (ISO/IEC 14496-12 §4.2): its four-character type and byte range. */
export interface BoxRange {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Walks the top-level boxes of an ISO BMFF buffer by size and type only (ISO/IEC 14496-12 §4.2):
 * 32-bit size, 64-bit `largesize` when size is 1, "to the end" when size is 0.
 * @throws Error on a size that is too small or runs past the buffer.
 */
export function topLevelBoxes(buf: Buffer): BoxRange[] {
  const boxes: BoxRange[] = [];
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < 8) throw new Error(`truncated box header at ${at}`);
    let size = buf.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      if (buf.length - at < 16) throw new Error(`truncated largesize at ${at}`);
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = buf.length - at;
    }
    if (size < header || at + size > buf.length) throw new Error(`bad box size ${size} at ${at}`);
    boxes.push({ type: buf.toString('latin1', at + 4, at + 8), start: at, end: at + size });
    at += size;
  }
  return boxes;
}

/** A fragmented MP4 cut the way ingest cuts it: the init segment and the `moof`+`mdat` fragments. */
export interface Fmp4Cut {
  /** Every box before the first `moof` (ftyp+moov). */
  readonly init: Buffer;
  /** Each `moof` with the `mdat` that follows it. */
  readonly fragments: Buffer[];
}

/** Cuts a fragmented MP4 into init and fragments; boxes after the last `mdat` (e.g. `mfra`) are left out. */
export function cutFmp4(buf: Buffer): Fmp4Cut {
  const boxes = topLevelBoxes(buf);
  const firstMoof = boxes.findIndex((b) => b.type === 'moof');
  if (firstMoof < 0) throw new Error('no moof box');
  const fragments: Buffer[] = [];
  for (let i = firstMoof; i < boxes.length; i++) {
    const moof = boxes[i];
    const mdat = boxes[i + 1];
    if (moof?.type !== 'moof') continue;
    if (mdat?.type !== 'mdat') throw new Error(`moof at ${moof.start} without mdat`);
    fragments.push(buf.subarray(moof.start, mdat.end));
  }
  return { init: buf.subarray(0, boxes[firstMoof]?.start), fragments };
}

/**
 * Encodes `durationS` of `lavfi testsrc2` 640x360@25 (libx264, 1 s GOP) + `sine` (AAC) into fragmented MP4
 * with the system ffmpeg, one fragment per keyframe, and cuts it.
 */
export async function makeTestFmp4(durationS: number): Promise<Fmp4Cut> {
  const { stdout } = await promisify(execFile)(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error'],
      ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ...['-t', String(durationS), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
      ...['-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-c:a', 'aac', '-b:a', '96k'],
      ...['-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', 'pipe:1'],
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
  );
  return cutFmp4(stdout);
}
