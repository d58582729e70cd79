import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PUBLISH_ID_PATTERN, ROOM_ID_PATTERN } from '@onair/contracts';

/** A rendition directory of a recording: the names the relay serves renditions under (see hls/route-params.ts). */
export const RENDITION_DIR = /^[a-z0-9_-]{1,32}$/;
/** A recorded init segment: `init-<n>.mp4`, numbered from 0 in the order they appeared. */
export const INIT_FILE = /^init-\d{1,9}\.mp4$/;
/** A recorded segment: `seg-<n>.m4s`, numbered from 0 in recording order. */
export const SEGMENT_FILE = /^seg-\d{1,9}\.m4s$/;
/** A media playlist of a rendition, and the master playlist of a recording. */
export const MEDIA_PLAYLIST = 'index.m3u8';
export const MASTER_PLAYLIST = 'master.m3u8';
/** The recording's metadata file. */
export const RECORDING_JSON = 'recording.json';
/** Suffix of a file being written; renamed to its name once complete. */
export const TEMP_SUFFIX = '.tmp';

/** What `recording.json` holds. */
export interface RecordingMeta {
  readonly room: string;
  readonly publishId: string;
  /** When the publish started, unix epoch ms. */
  readonly startedAtMs: number;
  /** Media duration of the longest rendition, ms; absent while the recording is written. */
  readonly durationMs?: number | undefined;
}

const metaSchema = z.object({
  room: z.string().regex(ROOM_ID_PATTERN),
  publishId: z.string().regex(PUBLISH_ID_PATTERN),
  startedAtMs: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative().optional(),
});

/** The directory of one recording: `<dir>/<room>/<publishId>`. Callers pass validated ids only. */
export function recordingDir(dir: string, room: string, publishId: string): string {
  return join(dir, room, publishId);
}

/** Reads a recording's `recording.json`; undefined when it is missing or unreadable. */
export async function readMeta(recording: string): Promise<RecordingMeta | undefined> {
  try {
    const parsed = metaSchema.safeParse(JSON.parse(await readFile(join(recording, RECORDING_JSON), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a file whole: to a temporary name, then renamed over `path`, so readers see the old or the new bytes. */
export async function writeWhole(path: string, data: string | Buffer): Promise<void> {
  await writeFile(`${path}${TEMP_SUFFIX}`, data);
  await rename(`${path}${TEMP_SUFFIX}`, path);
}

/** Writes a recording's `recording.json`. */
export function writeMeta(recording: string, meta: RecordingMeta): Promise<void> {
  return writeWhole(join(recording, RECORDING_JSON), `${JSON.stringify(meta)}\n`);
}
