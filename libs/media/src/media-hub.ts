import { OnairError } from '@onair/runtime';
import type { MediaEvent, StreamStarted } from './events.js';
import { LiveStream } from './live-stream.js';

/** Options of {@link MediaHub}. */
export interface MediaHubOptions {
  /** Complete segments kept per rendition. @default 6 */
  windowSize?: number;
  /**
   * Keep segments that slid out of a window fetchable for as long as RFC 8216 §6.2.2 asks: what a server that
   * serves HLS needs (a relay); a server that only streams events (ingest) keeps none. @default true
   */
  keepRetired?: boolean;
}

type StreamCallback = (stream: LiveStream) => void;

/**
 * The StreamEnded reason of a stream that {@link MediaHub.start} replaced: the room was re-opened (a new publish,
 * or a relay's re-subscribe), so the room goes on and a follower should subscribe again at once.
 */
export const REPLACED_REASON = 'replaced';

/**
 * Every live stream a server holds, by room. ingest feeds it from its segmenter, a relay from its upstream;
 * both serve MediaService from it, and a relay serves HLS from it.
 */
export class MediaHub {
  private readonly streams = new Map<string, LiveStream>();
  private readonly startedCallbacks: StreamCallback[] = [];
  private readonly endedCallbacks: StreamCallback[] = [];
  readonly windowSize: number;
  private readonly keepRetired: boolean;

  constructor({ windowSize = 6, keepRetired = true }: MediaHubOptions = {}) {
    this.windowSize = windowSize;
    this.keepRetired = keepRetired;
  }

  /** Calls `cb` whenever a stream starts; returns the function that stops calling it. */
  onStarted(cb: StreamCallback): () => void {
    return subscribe(this.startedCallbacks, cb);
  }

  /** Calls `cb` whenever a stream ends (after its StreamEnded reached the listeners); returns the function that stops. */
  onEnded(cb: StreamCallback): () => void {
    return subscribe(this.endedCallbacks, cb);
  }

  /** The live stream of a room. */
  get(room: string): LiveStream | undefined {
    return this.streams.get(room);
  }

  /** Every live stream. */
  list(): LiveStream[] {
    return [...this.streams.values()];
  }

  /**
   * Applies an event to a room: StreamStarted opens a stream (ending one still open with reason
   * "replaced"), StreamEnded closes and forgets it, anything else goes to the open stream.
   * @throws OnairError INVALID_ARGUMENT when the room has no open stream or the event is inconsistent.
   */
  apply(room: string, event: MediaEvent): void {
    if (event.event === 'streamStarted') {
      this.start(event.streamStarted);
      return;
    }
    const stream = this.streams.get(room);
    if (!stream) throw new OnairError('INVALID_ARGUMENT', `room ${room}: no live stream`);
    stream.apply(event);
    if (event.event === 'streamEnded') this.forget(stream);
  }

  /**
   * Opens a stream; a stream still open in the room ends with reason "replaced".
   * @param windowSize complete segments this stream keeps per rendition, when it needs more than the hub's (a
   *   backlog written at once at its start, which no follower has seen yet).
   */
  start(info: StreamStarted, windowSize = this.windowSize): LiveStream {
    this.end(info.room, REPLACED_REASON);
    const stream = new LiveStream(info, Math.max(windowSize, this.windowSize), this.keepRetired);
    this.streams.set(info.room, stream);
    for (const cb of [...this.startedCallbacks]) cb(stream);
    return stream;
  }

  /** Ends the room's open stream, if any, with `reason`. */
  end(room: string, reason: string): void {
    const stream = this.streams.get(room);
    if (!stream) return;
    stream.apply({ event: 'streamEnded', streamEnded: { reason } });
    this.forget(stream);
  }

  private forget(stream: LiveStream): void {
    if (this.streams.get(stream.room) === stream) this.streams.delete(stream.room);
    for (const cb of [...this.endedCallbacks]) cb(stream);
  }
}

/** Adds `cb` to `list`; returns the function that removes it again. */
function subscribe(list: StreamCallback[], cb: StreamCallback): () => void {
  list.push(cb);
  return () => {
    const at = list.indexOf(cb);
    if (at >= 0) list.splice(at, 1);
  };
}
