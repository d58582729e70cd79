import type { telemetry } from '@onair/proto';
import type { RoomStreams } from '../hls/room-streams.js';
import type { ViewerTracker } from '../viewers/viewer-tracker.js';

/**
 * Telemetry.GetStats rooms of the relay: every served stream (live, or ended and lingering) with its
 * viewers and, per rendition, the bit rate (kbit/s) and frame rate measured over the window and the viewers whose
 * latest rendition request was of it.
 */
export function relayRoomStats(streams: RoomStreams, viewers: ViewerTracker): telemetry.RoomStats[] {
  return streams.list().map((stream) => {
    const live = stream.ended === undefined;
    const byRendition = viewers.countByRendition(stream.room);
    return {
      room: stream.room,
      live,
      publishStartedAtMs: live ? stream.info.startedAtMs : 0,
      viewers: viewers.count(stream.room),
      renditions: stream.info.renditions.map((r) => {
        const stats = stream.window(r.name)?.stats();
        return {
          name: r.name,
          bitrateKbps: (stats?.averageBitrate ?? 0) / 1000,
          fps: stats?.fps || r.frameRate,
          width: r.width,
          height: r.height,
          codecs: r.codecs,
          viewers: byRendition.get(r.name) ?? 0,
        };
      }),
    };
  });
}
