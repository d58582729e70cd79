import { SERVICE_KINDS } from '@onair/contracts';
import type { telemetry } from '@onair/proto';

/** One rendition of a live stream, as its ingest measures it. */
export interface RenditionStatus {
  name: string;
  /** Measured media bit rate over the last 10 s, kbit/s. */
  bitrateKbps: number;
  /** Measured frames per second over the last 10 s. */
  fps: number;
  /** Frame size, pixels (0 for audio-only). */
  width: number;
  height: number;
  /** RFC 6381 codecs string, e.g. "avc1.64001f,mp4a.40.2". */
  codecs: string;
  /** HLS viewers whose latest request was of this rendition, summed over every relay instance. */
  viewers: number;
}

/**
 * How a live room's media arrives at its ingest (onair.telemetry.v1.IngestHealth), for the alert rules and the
 * dashboard's ingest panel.
 */
export interface IngestStatus {
  /** Interval between the last two video keyframes, ms; 0 before the second. */
  keyframeIntervalMs: number;
  /** Video frames per second over the last 10 s. */
  measuredFps: number;
  /** onMetaData framerate; 0 when not declared. */
  declaredFps: number;
  /** Audio and video payload over the last 10 s, kbit/s. */
  measuredBitrateKbps: number;
  /** onMetaData videodatarate + audiodatarate, kbit/s; 0 when not declared. */
  declaredBitrateKbps: number;
  /** Media time minus wall-clock time since the publisher's first message, ms (negative: slower than real time). */
  driftMs: number;
  /** Source parts listed more than a second after their media time. */
  lateParts: number;
  /** Publishers that continued this publish after a reconnect or a replace. */
  reconnects: number;
  /** Wall clock of the publisher's last audio or video message, unix epoch ms; 0 before the first. */
  lastMediaAtMs: number;
}

/** One live room, merged from every service that knows it. */
export interface StreamStatus {
  room: string;
  /** Always true: only rooms an ingest reports live are listed. */
  live: boolean;
  /** Publish start, unix epoch ms. */
  publishStartedAtMs: number;
  renditions: RenditionStatus[];
  /** HLS viewers, summed over every relay instance (origins and edges). */
  viewers: number;
  /** Accepted danmaku per second, summed over danmaku instances. */
  danmakuPerSecond: number;
  /** Accepted chat messages per second, summed over chat instances. */
  chatPerSecond: number;
  /** Open danmaku WebSockets, summed over danmaku instances. */
  danmakuSockets: number;
  /** Open chat WebSockets, summed over chat instances. */
  chatSockets: number;
  /** Danmaku refused with RATE_LIMITED per second, summed over danmaku instances. */
  danmakuRateLimitedPerSecond: number;
  /** What the ingest measures of the publisher's media; null when it reported none. */
  ingest: IngestStatus | null;
}

/** A live room as its ingest reports it, with nothing summed yet. */
function streamFromIngest(ingest: telemetry.RoomStats__Output): StreamStatus {
  return {
    room: ingest.room,
    live: true,
    publishStartedAtMs: ingest.publishStartedAtMs,
    renditions: ingest.renditions.map(({ name, bitrateKbps, fps, width, height, codecs }) => ({
      name,
      bitrateKbps,
      fps,
      width,
      height,
      codecs,
      viewers: 0,
    })),
    viewers: 0,
    danmakuPerSecond: 0,
    chatPerSecond: 0,
    danmakuSockets: 0,
    chatSockets: 0,
    danmakuRateLimitedPerSecond: 0,
    ingest: ingestStatus(ingest.ingestHealth),
  };
}

function ingestStatus(health: telemetry.IngestHealth__Output | null): IngestStatus | null {
  if (!health) return null;
  const { keyframeIntervalMs, measuredFps, declaredFps, measuredBitrateKbps, declaredBitrateKbps } = health;
  const { driftMs, lateParts, reconnects, lastMediaAtMs } = health;
  return {
    keyframeIntervalMs,
    measuredFps,
    declaredFps,
    measuredBitrateKbps,
    declaredBitrateKbps,
    driftMs,
    lateParts,
    reconnects,
    lastMediaAtMs,
  };
}

/**
 * Merges GetStats answers of several instances into one entry per live room. A room is live when an
 * ingest says so (the most recent publish wins if two do); its renditions come from that ingest; relay
 * viewers (per room and per rendition) and danmaku/chat rates and sockets are summed over instances (one answer per
 * polled target).
 * Rooms are sorted by id.
 */
export function aggregateStreams(responses: readonly telemetry.GetStatsResponse__Output[]): StreamStatus[] {
  const streams = new Map<string, StreamStatus>();
  for (const res of responses.filter((r) => r.service === SERVICE_KINDS.INGEST)) {
    for (const room of res.rooms.filter((r) => r.live)) {
      const current = streams.get(room.room);
      if (!current || room.publishStartedAtMs > current.publishStartedAtMs)
        streams.set(room.room, streamFromIngest(room));
    }
  }
  for (const res of responses) {
    for (const room of res.rooms) {
      const stream = streams.get(room.room);
      if (!stream) continue;
      if (res.service === SERVICE_KINDS.RELAY) {
        stream.viewers += room.viewers;
        for (const { name, viewers } of room.renditions) {
          const rendition = stream.renditions.find((r) => r.name === name);
          if (rendition) rendition.viewers += viewers;
        }
      } else if (res.service === SERVICE_KINDS.DANMAKU) {
        stream.danmakuPerSecond += room.messagesPerSecond;
        stream.danmakuSockets += room.viewers;
        stream.danmakuRateLimitedPerSecond += room.rateLimitedPerSecond;
      } else if (res.service === SERVICE_KINDS.CHAT) {
        stream.chatPerSecond += room.messagesPerSecond;
        stream.chatSockets += room.viewers;
      }
    }
  }
  return [...streams.values()].sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : 0));
}
