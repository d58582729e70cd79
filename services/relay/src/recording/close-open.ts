import { access, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PUBLISH_ID_PATTERN, ROOM_ID_PATTERN } from '@onair/contracts';
import type { Logger } from '@onair/runtime';
import { MEDIA_PLAYLIST, RENDITION_DIR, TEMP_SUFFIX, readMeta, writeMeta, writeWhole } from './recording-files.js';
import { ENDLIST, entryUri, parseEntries, renderVodPlaylist } from './recording-playlist.js';

/** Names of the subdirectories of `dir` that match `pattern`; none when `dir` cannot be read. */
export async function subdirs(dir: string, pattern: RegExp): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && pattern.test(e.name)).map((e) => e.name);
  } catch {
    return [];
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Closes one recording left open (no duration in `recording.json`, a process that stopped without finishing it): in
 * each rendition, files left with a temporary name are removed, entries whose segment file is missing are dropped,
 * and the media playlist is rewritten as VOD with EXT-X-ENDLIST; `recording.json` gets the duration of the longest
 * rendition. Returns the duration written, ms; undefined when the recording has no readable `recording.json` or was
 * finished already.
 */
export async function closeRecording(recording: string): Promise<number | undefined> {
  const meta = await readMeta(recording);
  if (!meta || meta.durationMs !== undefined) return undefined;
  let durationMs = 0;
  for (const rendition of await subdirs(recording, RENDITION_DIR)) {
    const dir = join(recording, rendition);
    for (const name of await readdir(dir)) if (name.endsWith(TEMP_SUFFIX)) await rm(join(dir, name), { force: true });
    let text: string;
    try {
      text = await readFile(join(dir, MEDIA_PLAYLIST), 'utf8');
    } catch {
      continue;
    }
    const entries = [];
    for (const entry of parseEntries(text)) if (await exists(join(dir, entryUri(entry)))) entries.push(entry);
    if (!text.includes(ENDLIST)) await writeWhole(join(dir, MEDIA_PLAYLIST), renderVodPlaylist(entries));
    durationMs = Math.max(
      durationMs,
      entries.reduce((sum, e) => sum + e.durationMs, 0),
    );
  }
  durationMs = Math.round(durationMs);
  await writeMeta(recording, { ...meta, durationMs });
  return durationMs;
}

/** Closes every recording under `dir` (`<room>/<publishId>/`) that was left open; see {@link closeRecording}. */
export async function closeOpenRecordings(dir: string, log: Logger): Promise<void> {
  for (const room of await subdirs(dir, ROOM_ID_PATTERN)) {
    for (const publishId of await subdirs(join(dir, room), PUBLISH_ID_PATTERN)) {
      try {
        const durationMs = await closeRecording(join(dir, room, publishId));
        if (durationMs !== undefined) log.warn({ room, publishId, durationMs }, 'open recording closed');
      } catch (err) {
        log.error({ err, room, publishId }, 'open recording not closed');
      }
    }
  }
}
