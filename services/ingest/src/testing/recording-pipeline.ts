import type { Publish, PublishPipeline, PublishSink } from '../publish/publish-sink.js';

/** What a {@link RecordingPipeline} saw of one publish. */
export interface RecordedPublish {
  readonly publish: Publish;
  readonly metadata: Array<Record<string, unknown>>;
  readonly audio: Array<{ timestampMs: number; bytes: number }>;
  readonly video: Array<{ timestampMs: number; bytes: number; keyframe: boolean }>;
  endReason: string | undefined;
  /** How many times a new publisher continued it. */
  reconnects: number;
}

/**
 * A hand-written PublishPipeline for tests of the RTMP server: it records every publish and what its sink
 * received (FLV video tag byte 0 high nibble 1 = keyframe, FLV spec v10.1 §E.4.3.1).
 */
export class RecordingPipeline implements PublishPipeline {
  readonly publishes: RecordedPublish[] = [];
  closed = false;
  /** When set, `open` throws (a broken pipeline). */
  failOpen = false;

  open(publish: Publish): PublishSink {
    if (this.failOpen) throw new Error('pipeline open failed');
    const rec: RecordedPublish = { publish, metadata: [], audio: [], video: [], endReason: undefined, reconnects: 0 };
    this.publishes.push(rec);
    return {
      metadata: (meta) => rec.metadata.push(meta),
      audio: (timestampMs, payload) => rec.audio.push({ timestampMs, bytes: payload.length }),
      video: (timestampMs, payload) =>
        rec.video.push({ timestampMs, bytes: payload.length, keyframe: (payload[0] ?? 0) >> 4 === 1 }),
      reconnect: () => {
        if (rec.endReason !== undefined) return undefined;
        rec.reconnects++;
        // No media goes anywhere here: a timeline without a gap.
        const atMs = Date.now();
        return { atMs, streamTimeMs: atMs - publish.startedAtMs };
      },
      end: async (reason) => {
        rec.endReason ??= reason;
      },
    };
  }

  health(): undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Publishes of a room, oldest first. */
  of(room: string): RecordedPublish[] {
    return this.publishes.filter((p) => p.publish.room === room);
  }
}
