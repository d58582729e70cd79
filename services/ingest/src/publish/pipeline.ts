import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaHub } from '@onair/media';
import { OnairError, type Logger } from '@onair/runtime';
import type { LadderEntry } from '../transcode/ladder.js';
import { LivePublish } from './live-publish.js';
import type { Publish, PublishPipeline, PublishSink } from './publish-sink.js';

/** Options of {@link createPublishPipeline}. */
export interface PublishPipelineOptions {
  /** Where live streams go. */
  hub: MediaHub;
  /** Renditions produced for every publish, in order. */
  ladder: LadderEntry[];
  /** ffmpeg binary (a name on PATH or a path). */
  ffmpegPath: string;
  /** A segment is cut at the first keyframe once it lasts this long, ms. */
  targetSegmentMs: number;
  log: Logger;
  /** Part Target Duration (rfc8216bis §4.4.3.7), ms: no part lasts longer. @default 334 */
  partTargetMs?: number;
  /** How long to wait for a missing audio or video sequence header before starting ffmpeg, ms. @default 1500 */
  startTimeoutMs?: number;
  /** FLV bytes ffmpeg may leave untaken before the publish is dropped as stalled. @default 8388608 (8 MiB) */
  maxPendingBytes?: number;
  /**
   * After the publisher leaves, or a new publisher continues the publish, how long ffmpeg may take to flush before
   * it is killed, ms. @default 5000
   */
  endTimeoutMs?: number;
  /** ffmpeg restarts allowed per `restartWindowMs`; one more ends the stream. @default 3 */
  maxRestarts?: number;
  /** ms. @default 60000 */
  restartWindowMs?: number;
  /** Largest fMP4 box accepted from ffmpeg (a part's mdat is one box), bytes. @default 33554432 (32 MiB) */
  maxBoxBytes?: number;
  /** ffmpeg stderr lines logged per run, at debug. @default 200 */
  maxLoggedLines?: number;
}

/** Longest unix socket path that works everywhere (sockaddr_un.sun_path is 104-108 bytes), bytes. */
const MAX_SOCKET_PATH = 100;
/** Prefix of the socket directory in the temporary directory; mkdtemp appends 6 characters. */
const SOCKET_DIR_PREFIX = 'onair-ingest-';

/**
 * The media pipeline of ingest: each accepted publish gets one ffmpeg (FLV on stdin, one fragmented MP4
 * output per rendition over a unix socket), a segmenter per rendition and a live stream in the MediaHub.
 * Output sockets live in a private temporary directory that exists only while a publish is open: created with
 * the first, removed when the last ends, by `close()`, and at process exit (a stop that timed out), so a
 * service that fails to start or is cut short leaves nothing behind.
 * @throws Error when the temporary directory's path (from TMPDIR) is too long for unix sockets.
 */
export function createPublishPipeline({
  hub,
  ladder,
  ffmpegPath,
  targetSegmentMs,
  log,
  partTargetMs = 334,
  startTimeoutMs = 1500,
  maxPendingBytes = 8 * 1024 * 1024,
  endTimeoutMs = 5000,
  maxRestarts = 3,
  restartWindowMs = 60_000,
  maxBoxBytes = 32 * 1024 * 1024,
  maxLoggedLines = 200,
}: PublishPipelineOptions): PublishPipeline {
  const pipelineLog = log.child({ component: 'pipeline' });
  const parent = tmpdir();
  if (Buffer.byteLength(join(parent, `${SOCKET_DIR_PREFIX}XXXXXX`, '0000000000-000.sock')) > MAX_SOCKET_PATH) {
    throw new Error(`temporary directory ${parent} is too long for unix socket paths; set TMPDIR to a shorter one`);
  }
  const open = new Set<LivePublish>();
  let runs = 0;
  let closed = false;
  let socketDir: string | undefined;
  const removeSocketDir = (): void => {
    if (socketDir === undefined) return;
    rmSync(socketDir, { recursive: true, force: true });
    socketDir = undefined;
    process.off('exit', removeSocketDir);
  };
  const ensureSocketDir = (): string => {
    if (socketDir === undefined) {
      socketDir = mkdtempSync(join(parent, SOCKET_DIR_PREFIX));
      process.on('exit', removeSocketDir);
    }
    return socketDir;
  };
  const settings = {
    hub,
    ladder,
    ffmpegPath,
    targetSegmentMs,
    partTargetMs,
    startTimeoutMs,
    maxPendingBytes,
    endTimeoutMs,
    maxRestarts,
    restartWindowMs,
    maxBoxBytes,
    maxLoggedLines,
  };
  return {
    /**
     * @throws OnairError UNAVAILABLE after `close()`.
     * @throws Error when the socket directory cannot be created.
     */
    open(publish: Publish, onDropped?: (reason: string) => void): PublishSink {
      if (closed) throw new OnairError('UNAVAILABLE', 'ingest is shutting down');
      const live: LivePublish = new LivePublish({
        ...settings,
        socketDir: ensureSocketDir(),
        publish,
        log: pipelineLog.child({ room: publish.room, publishId: publish.publishId }),
        nextRunId: () => String(runs++),
        onClosed: () => {
          open.delete(live);
          if (open.size === 0) removeSocketDir();
        },
        onDropped: (reason) => onDropped?.(reason),
      });
      open.add(live);
      return live;
    },
    health(room: string) {
      for (const live of open) if (live.room === room) return live.healthSnapshot();
      return undefined;
    },
    async close(): Promise<void> {
      closed = true;
      pipelineLog.info({ publishes: open.size }, 'pipeline closing');
      await Promise.all([...open].map((p) => p.end('shutdown')));
      removeSocketDir();
    },
  };
}
