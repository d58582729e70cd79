import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LiveStream, MediaEvent, Segment, StreamStarted } from '@onair/media';
import type { Logger } from '@onair/runtime';
import { renderMasterPlaylist } from '../hls/master-playlist.js';
import { MASTER_PLAYLIST, MEDIA_PLAYLIST, RENDITION_DIR, writeMeta, writeWhole } from './recording-files.js';
import { entryText, playlistHead, renderVodPlaylist, type RecordedEntry } from './recording-playlist.js';

/** What a recording writes of one rendition. */
interface RenditionState {
  readonly dir: string;
  readonly entries: RecordedEntry[];
  /** Part sequence of the last part recorded: the next segment not starting one past it follows a gap. */
  lastPartSequence: number;
  /** Program date-time of the last segment recorded, ms: segments not after it (a re-subscribe's replay) are skipped. */
  lastProgramDateTimeMs: number;
  lastInitId: string | undefined;
  inits: number;
}

/** Options of {@link Recording}. */
export interface RecordingOptions {
  /** The recording's directory, `<recordings dir>/<room>/<publishId>`. */
  dir: string;
  /** The publish's StreamStarted: room, publish id, start, renditions. */
  info: StreamStarted;
  log: Logger;
}

/**
 * One publish of a room written to disk as it goes (RFC 8216 EVENT playlists): per rendition its init segments
 * (`init-<n>.mp4`), each complete segment (`seg-<n>.m4s`, written to a temporary name and renamed, then appended to
 * `index.m3u8`; the first one after a discontinuity starts with its init segment, see {@link segmentFile}), a master
 * playlist and `recording.json`. A crash loses at most the segments being written. Streams of the same publish
 * that follow one another (a re-subscribe replays the upstream's window) continue it: segments not later than the
 * last one recorded (by program date-time) are skipped, and a gap in part sequence numbers is marked as a
 * discontinuity. {@link finish} turns every playlist into a VOD one. Writes happen one at a time, in order; a failed
 * write is logged and the recording goes on.
 */
export class Recording {
  readonly room: string;
  readonly publishId: string;
  private readonly renditions = new Map<string, RenditionState>();
  private queue: Promise<void>;
  private unlisten: (() => void) | undefined;
  private finished = false;
  private readonly log: Logger;

  constructor(private readonly options: RecordingOptions) {
    const { info, dir } = options;
    this.room = info.room;
    this.publishId = info.publishId;
    this.log = options.log.child({ room: info.room, publishId: info.publishId });
    for (const r of info.renditions) {
      if (!RENDITION_DIR.test(r.name)) continue;
      this.renditions.set(r.name, {
        dir: join(dir, r.name),
        entries: [],
        lastPartSequence: -1,
        lastProgramDateTimeMs: -1,
        lastInitId: undefined,
        inits: 0,
      });
    }
    this.queue = this.open();
  }

  /** True once {@link finish} was called. */
  get done(): boolean {
    return this.finished;
  }

  /**
   * Records `stream` (a stream of this publish) from now on: its window's complete segments not recorded yet, then
   * every segment it completes. A stream followed before is let go.
   */
  follow(stream: LiveStream): void {
    if (this.finished) return;
    this.unlisten?.();
    for (const name of this.renditions.keys()) {
      for (const seg of stream.window(name)?.completeSegments() ?? []) this.segment(name, seg);
    }
    this.unlisten = stream.listen((event: MediaEvent) => {
      if (event.event !== 'segmentEnd') return;
      const { rendition, segmentSequence } = event.segmentEnd;
      const seg = stream.window(rendition)?.segment(Number(segmentSequence));
      if (seg) this.segment(rendition, seg);
    });
  }

  /**
   * Stops following the stream and, once every pending write is done, rewrites each media playlist as VOD with
   * EXT-X-ENDLIST and `recording.json` with the duration. Resolves when written (errors are logged).
   */
  finish(reason: string): Promise<void> {
    if (!this.finished) {
      this.finished = true;
      this.unlisten?.();
      this.unlisten = undefined;
      this.enqueue(async () => {
        for (const state of this.renditions.values()) {
          await writeWhole(join(state.dir, MEDIA_PLAYLIST), renderVodPlaylist(state.entries));
        }
        await writeMeta(this.options.dir, { ...this.meta(), durationMs: this.durationMs() });
        this.log.info({ reason, durationMs: this.durationMs() }, 'recording finished');
      });
    }
    return this.queue;
  }

  /** Resolves once every write queued so far is done. */
  written(): Promise<void> {
    return this.queue;
  }

  /** Media duration recorded so far: the longest rendition's, ms. */
  durationMs(): number {
    let max = 0;
    for (const state of this.renditions.values()) {
      max = Math.max(
        max,
        state.entries.reduce((sum, e) => sum + e.durationMs, 0),
      );
    }
    return Math.round(max);
  }

  private meta(): { room: string; publishId: string; startedAtMs: number } {
    return { room: this.room, publishId: this.publishId, startedAtMs: Number(this.options.info.startedAtMs) };
  }

  private async open(): Promise<void> {
    const { dir, info } = this.options;
    const target = Math.max(1, Math.ceil((2 * info.targetSegmentDurationMs) / 1000));
    try {
      for (const state of this.renditions.values()) {
        await mkdir(state.dir, { recursive: true });
        await writeWhole(join(state.dir, MEDIA_PLAYLIST), playlistHead('EVENT', target));
      }
      const variants = info.renditions
        .filter((r) => this.renditions.has(r.name))
        .map((r) => ({ ...r, nominalBandwidth: r.bandwidth, peakBitrate: 0, averageBitrate: 0 }));
      await writeWhole(join(dir, MASTER_PLAYLIST), renderMasterPlaylist(variants));
      await writeMeta(dir, this.meta());
      this.log.info({ dir, renditions: [...this.renditions.keys()] }, 'recording started');
    } catch (err) {
      this.log.error({ err }, 'recording not opened');
    }
  }

  private segment(rendition: string, seg: Segment): void {
    const state = this.renditions.get(rendition);
    const first = seg.parts[0];
    const last = seg.parts[seg.parts.length - 1];
    if (!state || !first || !last || seg.programDateTimeMs <= state.lastProgramDateTimeMs) return;
    const discontinuity =
      seg.discontinuity || (state.lastPartSequence >= 0 && Number(first.partSequence) !== state.lastPartSequence + 1);
    state.lastPartSequence = Number(last.partSequence);
    state.lastProgramDateTimeMs = seg.programDateTimeMs;
    let init: Buffer | undefined;
    let mapUri: string | undefined;
    if (seg.init.id !== state.lastInitId) {
      state.lastInitId = seg.init.id;
      init = seg.init.data;
      mapUri = `init-${state.inits++}.mp4`;
    }
    const uri = `seg-${state.entries.length}.m4s`;
    const afterDiscontinuity = discontinuity && state.entries.length > 0;
    const entry: RecordedEntry = {
      text: entryText({
        uri,
        durationMs: seg.durationMs,
        programDateTimeMs: seg.programDateTimeMs,
        discontinuity: afterDiscontinuity,
        mapUri,
      }),
      durationMs: seg.durationMs,
    };
    state.entries.push(entry);
    const data = segmentFile(seg, afterDiscontinuity);
    this.enqueue(async () => {
      if (init && mapUri) await writeWhole(join(state.dir, mapUri), init);
      await writeWhole(join(state.dir, uri), data);
      await appendFile(join(state.dir, MEDIA_PLAYLIST), entry.text);
    });
  }

  private enqueue(write: () => Promise<void>): void {
    this.queue = this.queue.then(write).catch((err: unknown) => this.log.error({ err }, 'recording write failed'));
  }
}

/**
 * The bytes of a recorded segment file: its parts in order (moof + mdat each), and ahead of them, when it follows a
 * discontinuity, its init segment (ftyp + moov, the bytes of the EXT-X-MAP that applies to it). The EXT-X-MAP stays
 * (RFC 8216 §3.3 requires one for every fMP4 segment; draft-pantos-hls-rfc8216bis §3.1.2 puts no restriction on box
 * order beyond ISOBMFF's, and ftyp + moov + moof + mdat is an ISOBMFF / CMAF track file); the in-band copy makes that
 * segment a self-initializing one, which a player that restarts its MP4 parser at the discontinuity needs: VLC 3.0's
 * adaptive demux does so (modules/demux/adaptive/Streams.cpp, "Restarting demuxer" on a discontinuity) but sends
 * the init segment only once per rendition (hls/playlist/Parser.cpp keeps the first EXT-X-MAP, "FIXME: handle
 * discontinuities"; SegmentTracker.cpp sends it again on a rendition switch or seek only), so without it its new MP4
 * demuxer finds no moov and playback ends there. Players that keep their parser take the copy as the init segment
 * they have: ffmpeg skips the duplicated moov, hls.js hands it to MSE as an initialization segment.
 */
function segmentFile(seg: Segment, afterDiscontinuity: boolean): Buffer {
  const parts = seg.parts.map((p) => p.data);
  return Buffer.concat(afterDiscontinuity ? [seg.init.data, ...parts] : parts);
}
