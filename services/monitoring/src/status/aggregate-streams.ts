import { SERVICE_KINDS } from '@onair/contracts';
import type { telemetry } from '@onair/proto';
import type { IngestStatus, StreamStatus } from './status-types.js';

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
