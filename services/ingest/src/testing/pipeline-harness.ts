import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { MediaHub, type MediaEvent, type Part, type StreamStarted } from '@onair/media';
import { createLogger } from '@onair/runtime';
import { ffprobe, type ProbeResult } from '@onair/testing';
import { ladderSchema } from '../transcode/ladder.js';
import { readFlv, type FlvTagRecord } from '../publish/flv-reader.js';
import { FLV_TAG_TYPE } from '../publish/flv-tag.js';
import { createPublishPipeline, type PublishPipelineOptions } from '../publish/pipeline.js';
import type { PublishPipeline, PublishSink } from '../publish/publish-sink.js';

// Test support for the pipeline's integration tests: a recorded publish, a pipeline over a real MediaHub
// with its events and log lines kept, and ffprobe on a segment.

const run = promisify(execFile);

/** The room every harness publishes to. */
export const ROOM = 'demo';
/** startedAtMs of every harness publish, unix epoch ms. */
export const STARTED_AT_MS = 1_700_000_000_000;

/**
 * Records what a streamer's encoder sends (H.264 1280x720 25 fps with a 2 s GOP, AAC 48 kHz; see
 * publishTestStream) as FLV into `dir` and returns its media tags.
 */
export async function recordPublish(dir: string, seconds: number): Promise<FlvTagRecord[]> {
  const path = join(dir, 'publish.flv');
  await run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds)],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-g', '50', '-b:v', '1000k'],
    ...['-c:a', 'aac', '-b:a', '96k', '-f', 'flv', path],
  ]);
  return readFlv(await readFile(path)).tags.filter((t) => t.type !== FLV_TAG_TYPE.SCRIPT);
}

/** A pipeline with one open publish, and what it produced so far. */
export interface PipelineHarness {
  hub: MediaHub;
  pipeline: PublishPipeline;
  sink: PublishSink;
  /** Every event of the live stream, in order. */
  events: MediaEvent[];
  /** Reasons the pipeline dropped the publish with, in order. */
  dropped: string[];
  started(): StreamStarted | undefined;
  /** Parsed log lines. */
  logs: Array<Record<string, unknown>>;
  /** pids of the ffmpeg processes started, from the "ffmpeg started" log lines. */
  ffmpegPids(): number[];
}

/** Opens a pipeline (real ffmpeg, real MediaHub) and one publish of {@link ROOM} with `meta` as onMetaData. */
export function openHarness(
  ladder: string,
  meta: Record<string, unknown>,
  options: Partial<PublishPipelineOptions> = {},
): PipelineHarness {
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = createLogger({ service: 'ingest-test', level: 'info', destination });
  const hub = new MediaHub();
  const events: MediaEvent[] = [];
  let info: StreamStarted | undefined;
  hub.onStarted((s) => {
    info = s.info;
    s.listen((e) => events.push(e));
  });
  const parsed = ladderSchema.parse(ladder);
  const pipeline = createPublishPipeline({
    hub,
    ladder: parsed,
    ffmpegPath: 'ffmpeg',
    targetSegmentMs: 2000,
    log,
    ...options,
  });
  const dropped: string[] = [];
  const sink = pipeline.open({ room: ROOM, publishId: 'p1', startedAtMs: STARTED_AT_MS }, (reason) =>
    dropped.push(reason),
  );
  sink.metadata(meta);
  return {
    hub,
    pipeline,
    sink,
    events,
    dropped,
    started: () => info,
    logs,
    ffmpegPids: () => logs.filter((l) => l.msg === 'ffmpeg started').map((l) => Number(l.pid)),
  };
}

/** Replays recorded tags with timestamps in [fromMs, toMs) into a sink, keeping the kinds asked for. */
export function replay(
  sink: PublishSink,
  tags: readonly FlvTagRecord[],
  fromMs: number,
  toMs: number,
  kinds = { audio: true, video: true },
): void {
  for (const t of tags) {
    if (t.timestampMs < fromMs || t.timestampMs >= toMs) continue;
    if (t.type === FLV_TAG_TYPE.AUDIO && kinds.audio) sink.audio(t.timestampMs, t.body);
    if (t.type === FLV_TAG_TYPE.VIDEO && kinds.video) sink.video(t.timestampMs, t.body);
  }
}

/** The events of one kind for one rendition. */
export function eventsOf<K extends Exclude<MediaEvent['event'], 'streamStarted' | 'streamEnded'>>(
  events: readonly MediaEvent[],
  kind: K,
  rendition: string,
): Array<Extract<MediaEvent, { event: K }>> {
  return events.filter(
    (e): e is Extract<MediaEvent, { event: K }> =>
      e.event === kind && (e as unknown as Record<string, { rendition: string }>)[kind]?.rendition === rendition,
  );
}

/** The parts of one segment, in order. */
export function partsOf(events: readonly MediaEvent[], rendition: string, sequence: number): Part[] {
  return eventsOf(events, 'part', rendition)
    .map((e) => e.part)
    .filter((p) => p.segmentSequence === sequence);
}

/** Writes init + a segment's parts to a file; probes its streams and counts its video frames by decoding them. */
export async function probeSegment(
  dir: string,
  name: string,
  init: Buffer,
  parts: readonly Part[],
): Promise<ProbeResult & { videoFrames: number }> {
  const path = join(dir, `${name}.mp4`);
  await writeFile(path, Buffer.concat([init, ...parts.map((p) => p.data)]));
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', path],
  ]);
  return { ...(await ffprobe(path)), videoFrames: Number(stdout.trim()) };
}
