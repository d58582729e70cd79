import type { rooms } from '@onair/proto';
import { unary } from '@onair/grpc-kit';
import { OnairError, type Logger } from '@onair/runtime';
import type { LiveRegistry } from './live-registry.js';
import type { RoomRecord, RoomStore } from './room-store.js';

function toRoom(record: RoomRecord, live: boolean): rooms.Room {
  return { id: record.id, title: record.title, createdAtMs: record.createdAtMs, live };
}

/**
 * The onair.rooms.v1.RoomsService implementation: rooms from the room store, `live` from the live registry.
 * Stream keys leave only through CreateRoom and RotateStreamKey.
 */
export function roomsServiceHandlers(store: RoomStore, live: LiveRegistry, log: Logger): rooms.RoomsServiceHandlers {
  const svcLog = log.child({ component: 'rooms-service' });
  const mustGet = async (id: string): Promise<RoomRecord> => {
    const room = await store.get(id);
    if (!room) throw new OnairError('NOT_FOUND', `room ${id} does not exist`);
    return room;
  };
  return {
    CreateRoom: unary(svcLog, async (req: rooms.CreateRoomRequest__Output): Promise<rooms.CreateRoomResponse> => {
      const { room, streamKey } = await store.create(req.id, req.title);
      svcLog.info({ room: room.id }, 'room created');
      return { room: toRoom(room, false), streamKey };
    }),
    ListRooms: unary(svcLog, async (): Promise<rooms.ListRoomsResponse> => {
      const [all, liveRooms] = await Promise.all([store.list(), live.liveRooms()]);
      return { rooms: all.map((r) => toRoom(r, liveRooms.has(r.id))) };
    }),
    GetRoom: unary(svcLog, async (req: rooms.GetRoomRequest__Output): Promise<rooms.GetRoomResponse> => {
      const room = await mustGet(req.id);
      return { room: toRoom(room, (await live.get(room.id)) !== undefined) };
    }),
    RotateStreamKey: unary(
      svcLog,
      async (req: rooms.RotateStreamKeyRequest__Output): Promise<rooms.RotateStreamKeyResponse> => {
        const { room, streamKey } = await store.rotateStreamKey(req.id);
        svcLog.info({ room: room.id }, 'stream key rotated');
        return { room: toRoom(room, (await live.get(room.id)) !== undefined), streamKey };
      },
    ),
  };
}
