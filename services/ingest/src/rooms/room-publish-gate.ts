import type { PublishGate } from '../servers/rtmp/publish-gate.js';
import type { LiveRegistry } from './live-registry.js';
import type { RoomStore } from './room-store.js';

/**
 * The RTMP server's publish gate backed by rooms: the stream key must match a room's stored hash, and the
 * room's live lock must be free (one publisher per room across every ingest instance).
 */
export function createRoomPublishGate(store: RoomStore, live: LiveRegistry): PublishGate {
  return {
    async admit(streamKey, log) {
      const room = await store.verifyStreamKey(streamKey);
      if (!room) return { ok: false, reason: 'bad_stream_key', description: 'unknown stream key' };
      const lease = await live.acquire(room.id, log.child({ room: room.id }));
      if (!lease) return { ok: false, reason: 'room_live', description: `room ${room.id} is already live` };
      return { ok: true, lease };
    },
  };
}
