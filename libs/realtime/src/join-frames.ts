import type { Logger } from '@onair/runtime';
import { errorFrame, frameSeq, historyFrame, recoveredFrame, type RoomMessage } from './frames.js';
import type { Result } from './result.js';
import type { RecoveredFrames } from './room-log.js';
import type { JoinFrames } from './conn-context.js';

/** Options of {@link joinFrames}. */
export interface JoinFramesOptions {
  /** Reads a room's frames after a seq (RoomLog.since). */
  since: (room: string, afterSeq: number) => Promise<RecoveredFrames>;
  /** Reads a room's history, when joining viewers get it (chat); undefined: no history (danmaku). */
  history: ((room: string) => Promise<Result<readonly RoomMessage[]>>) | undefined;
  /**
   * Bytes of recovered frames sent at most (the rest is left out, the recovery incomplete), kept under the
   * socket's buffer limit so that recovery does not close the viewer as slow.
   */
  maxRecoveredBytes: number;
  log: Logger;
}

const NO_FRAMES: JoinFrames = { frames: [], lastSeq: 0 };

/**
 * The join of a room service (ConnContext.join): with `since` (the last seq the viewer saw), the room's frames
 * stored after it then `{"type":"recovered","complete","count"}`; without, the room's history (when configured).
 * A read that fails becomes an UNAVAILABLE error frame and the viewer joins live.
 */
export function joinFrames({
  since,
  history,
  maxRecoveredBytes,
  log,
}: JoinFramesOptions): (room: string, afterSeq?: number) => Promise<JoinFrames> {
  const joinLog = log.child({ component: 'join' });
  return async (room, afterSeq) => {
    if (afterSeq === undefined) {
      if (history === undefined) return NO_FRAMES;
      const read = await history(room);
      if (!read.ok) return { frames: [errorFrame(read.rejection)], lastSeq: 0 };
      return { frames: [historyFrame(read.value)], lastSeq: read.value.at(-1)?.seq ?? 0 };
    }
    let recovered: RecoveredFrames;
    try {
      recovered = await since(room, afterSeq);
    } catch (err) {
      joinLog.error({ err, room, since: afterSeq }, 'recovery failed');
      return {
        frames: [errorFrame({ code: 'UNAVAILABLE', message: 'recovery is not available right now' })],
        lastSeq: 0,
      };
    }
    const frames: string[] = [];
    let bytes = 0;
    for (const frame of recovered.frames) {
      bytes += Buffer.byteLength(frame);
      if (bytes > maxRecoveredBytes) break;
      frames.push(frame);
    }
    const cut = frames.length < recovered.frames.length;
    const lastSeq = cut ? (frameSeq(frames.at(-1) ?? '') ?? afterSeq) : recovered.lastSeq;
    const complete = recovered.complete && !recovered.truncated && !cut;
    joinLog.debug({ room, since: afterSeq, count: frames.length, complete }, 'recovered');
    return { frames: [...frames, recoveredFrame(complete, frames.length)], lastSeq };
  };
}
