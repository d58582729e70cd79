import type { TimelineAnchor } from '@onair/contracts';
import type { PublishHealthSnapshot } from './publish-health.js';

/** One accepted publish: which room, which publish of it, and since when. */
export interface Publish {
  readonly room: string;
  /** Unique per publish (a UUID). */
  readonly publishId: string;
  /** Wall clock when the publish was accepted, unix epoch ms. */
  readonly startedAtMs: number;
}

/**
 * Where the RTMP connection hands the media of one accepted publish. Payloads are the RTMP message
 * bodies as they arrive, which are FLV tag bodies (FLV spec v10.1 §E.4.2 AUDIODATA, §E.4.3 VIDEODATA).
 */
export interface PublishSink {
  /** `@setDataFrame onMetaData` object (AMF0 ECMA array decoded to a plain object). */
  metadata(meta: Record<string, unknown>): void;
  /** An audio message; `timestampMs` is the RTMP message timestamp. */
  audio(timestampMs: number, payload: Buffer): void;
  /** A video message; `timestampMs` is the RTMP message timestamp. */
  video(timestampMs: number, payload: Buffer): void;
  /**
   * A new publisher continues the stream after the previous one left or was replaced: a discontinuity, then its
   * media from its sequence headers on. Returns where the stream timeline (a recording's) stands at the program
   * date-time the new media starts at, for the live entry (a promise when that media is still being written: a
   * transcode's replaced ffmpeg flushing, bounded); undefined when the stream is already ending (open a new publish
   * instead).
   */
  reconnect(): TimelineAnchor | Promise<TimelineAnchor> | undefined;
  /** The publish is over (FCUnpublish/deleteStream, a grace period that ran out, shutdown); resolves once ended. */
  end(reason: string): Promise<void>;
}

/** Turns accepted publishes into live streams (transcoding, segmenting, MediaService). */
export interface PublishPipeline {
  /** How the open publish of `room` receives its media, if there is one. */
  health(room: string): PublishHealthSnapshot | undefined;
  /**
   * Opens a publish. `onDropped` is called once if the pipeline ends the publish on its own (ffmpeg stalled or
   * keeps failing): the publisher's connection should then be closed, since its media goes nowhere.
   */
  open(publish: Publish, onDropped?: (reason: string) => void): PublishSink;
  /** Ends every open publish (service shutdown). */
  close(): Promise<void>;
}
