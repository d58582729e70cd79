import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PUBLISH_ID_PATTERN, ROOM_ID_PATTERN } from '@onair/contracts';
import { subdirs } from './close-open.js';
import { readMeta } from './recording-files.js';

/** Retention limits of the recordings directory; 0 turns a limit off. */
export interface RetentionLimits {
  /** A recording that ended longer ago than this is deleted, ms. */
  readonly maxAgeMs: number;
  /** Recordings are deleted, oldest first, while they hold more than this in all, bytes. */
  readonly maxBytes: number;
}

/** One recording on disk. */
export interface StoredRecording {
  readonly room: string;
  readonly publishId: string;
  readonly startedAtMs: number;
  /** Absent while being recorded (or left open). */
  readonly durationMs: number | undefined;
  /** Sum of its files' sizes, bytes. */
  readonly bytes: number;
}

async function sizeOf(path: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(path, { withFileTypes: true })) {
    const child = join(path, e.name);
    total += e.isDirectory() ? await sizeOf(child) : (await stat(child)).size;
  }
  return total;
}

/** Every recording under `dir` with a readable `recording.json`, oldest (by start) first. */
export async function storedRecordings(dir: string): Promise<StoredRecording[]> {
  const out: StoredRecording[] = [];
  for (const room of await subdirs(dir, ROOM_ID_PATTERN)) {
    for (const publishId of await subdirs(join(dir, room), PUBLISH_ID_PATTERN)) {
      const path = join(dir, room, publishId);
      const meta = await readMeta(path);
      if (!meta) continue;
      out.push({
        room,
        publishId,
        startedAtMs: meta.startedAtMs,
        durationMs: meta.durationMs,
        bytes: await sizeOf(path),
      });
    }
  }
  return out.sort((a, b) => a.startedAtMs - b.startedAtMs);
}

/**
 * Deletes a recording's directory, and its room's directory once empty. Callers pass validated ids only.
 * @returns the bytes its files held, or undefined when there was no such recording.
 */
export async function deleteRecording(dir: string, room: string, publishId: string): Promise<number | undefined> {
  const path = join(dir, room, publishId);
  let bytes: number;
  try {
    bytes = await sizeOf(path);
  } catch {
    return undefined;
  }
  await rm(path, { recursive: true, force: true });
  await rmdir(join(dir, room)).catch(() => undefined);
  return bytes;
}

/**
 * The recordings to delete under `limits` at `nowMs` (unix epoch ms), oldest first: every finished one that ended
 * more than `maxAgeMs` ago, then the oldest finished ones while all of them hold more than `maxBytes`. Recordings
 * being written (no duration) are never chosen, but count towards the total.
 */
export function overLimits(
  recordings: readonly StoredRecording[],
  limits: RetentionLimits,
  nowMs: number,
): StoredRecording[] {
  const chosen: StoredRecording[] = [];
  let total = recordings.reduce((sum, r) => sum + r.bytes, 0);
  for (const r of recordings) {
    if (r.durationMs === undefined) continue;
    const expired = limits.maxAgeMs > 0 && nowMs - (r.startedAtMs + r.durationMs) > limits.maxAgeMs;
    const tooBig = limits.maxBytes > 0 && total > limits.maxBytes;
    if (!expired && !tooBig) continue;
    chosen.push(r);
    total -= r.bytes;
  }
  return chosen;
}
