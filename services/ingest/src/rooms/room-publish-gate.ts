import type { PublishGate } from '../servers/rtmp/publish-gate.js';
import type { LiveRegistry } from './live-registry.js';
import type { RoomStore } from './room-store.js';

/**
 * The RTMP server's publish gate backed by rooms: the stream key must match a room's stored hash, and the
 * room's live lock (one publisher per room across every ingest instance) must be free or taken over. The room's
 * `record` setting is read as the lock is taken and written into the live entry, so the origin relays record the
 * publish; a change of the setting applies from the room's next publish (a reconnect within the grace period
 * continues the same publish and keeps its setting).
 */
export function createRoomPublishGate(store: RoomStore, live: LiveRegistry): PublishGate {
  return {
    async verify(streamKey) {
      const room = await store.verifyStreamKey(streamKey);
      if (!room) return { ok: false, reason: 'bad_stream_key', description: 'unknown stream key' };
      return { ok: true, room: room.id };
    },
    async acquire(room, publishId, log, takeOver) {
      const record = (await store.get(room))?.record ?? false;
      return live.acquire(room, publishId, log, takeOver, record);
    },
  };
}
