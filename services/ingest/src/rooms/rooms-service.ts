import type { ServerUnaryCall } from '@grpc/grpc-js';
import type { LiveEntry } from '@onair/contracts';
import type { rooms } from '@onair/proto';
import { bearerCheck, unary } from '@onair/grpc-kit';
import { OnairError, type Logger } from '@onair/runtime';
import type { LiveRegistry } from './live-registry.js';
import type { RoomRecord, RoomStore } from './room-store.js';

/** Deletes a recording from the origin relays (see RecordingsDeleter). */
export interface RecordingsDeletion {
  /**
   * @returns what the recording held, bytes.
   * @throws OnairError INVALID_ARGUMENT, NOT_FOUND or UNAVAILABLE.
   */
  delete(room: string, publishId: string): Promise<number>;
}

/** Ends a room's live publish wherever it is held (see PublishEnder). */
export interface PublishEnding {
  /**
   * @returns the ended publish's id.
   * @throws OnairError INVALID_ARGUMENT, NOT_FOUND (not live) or UNAVAILABLE.
   */
  end(room: string): Promise<string>;
}

/** Options of {@link roomsServiceHandlers}. */
export interface RoomsServiceOptions {
  /** Token every call must present as `authorization: Bearer <token>`; unset: loopback callers only. */
  adminToken?: string;
  /** Client certificate names (mTLS) trusted as the admin token is (INGEST_GRPC_TLS_TRUSTED). @default none */
  trusted?: ReadonlySet<string>;
}

/** The Room message of `record`; `live` is its live entry, undefined when it is not live. */
function toRoom(record: RoomRecord, live: LiveEntry | undefined): rooms.Room {
  const { id, title, createdAtMs } = record;
  return { id, title, createdAtMs, live: live !== undefined, record: record.record, recording: live?.record === true };
}

/**
 * The onair.rooms.v1.RoomsService implementation: rooms from the room store, `live` from the live registry,
 * recordings deleted through `recordings`, live publishes ended through `publishes`. Stream keys leave only through CreateRoom and RotateStreamKey. Every call is checked first (see
 * {@link bearerCheck}): UNAUTHENTICATED without the admin token when one is set, PERMISSION_DENIED for remote
 * callers when none is.
 */
export function roomsServiceHandlers(
  store: RoomStore,
  live: LiveRegistry,
  recordings: RecordingsDeletion,
  publishes: PublishEnding,
  log: Logger,
  { adminToken, trusted }: RoomsServiceOptions = {},
): rooms.RoomsServiceHandlers {
  const svcLog = log.child({ component: 'rooms-service' });
  const check = bearerCheck({
    token: adminToken,
    guards: 'RoomsService',
    variable: 'INGEST_ADMIN_TOKEN',
    clientHint: 'onair CLI: --token or ONAIR_ADMIN_TOKEN',
    trusted,
  });
  /** A unary handler that runs only for callers the admin check lets through. */
  const admin = <Req, Res>(method: string, handler: (req: Req) => Promise<Res>) =>
    unary<Req, Res>(svcLog, async (req, call: ServerUnaryCall<Req, Res>) => {
      try {
        check(call);
      } catch (err) {
        const code = err instanceof OnairError ? err.code : undefined;
        svcLog.warn({ method, peer: call.getPeer(), code }, 'rooms call refused');
        throw err;
      }
      return handler(req);
    });
  const mustGet = async (id: string): Promise<RoomRecord> => {
    const room = await store.get(id);
    if (!room) throw new OnairError('NOT_FOUND', `room ${id} does not exist`);
    return room;
  };
  return {
    CreateRoom: admin('CreateRoom', async (req: rooms.CreateRoomRequest__Output): Promise<rooms.CreateRoomResponse> => {
      const { room, streamKey } = await store.create(req.id, req.title);
      svcLog.info({ room: room.id }, 'room created');
      return { room: toRoom(room, undefined), streamKey };
    }),
    ListRooms: admin('ListRooms', async (): Promise<rooms.ListRoomsResponse> => {
      const [all, liveRooms] = await Promise.all([store.list(), live.liveRooms()]);
      const entries = await Promise.all(
        all.map((r) => (liveRooms.has(r.id) ? live.get(r.id) : Promise.resolve(undefined))),
      );
      return { rooms: all.map((r, i) => toRoom(r, entries[i])) };
    }),
    GetRoom: admin('GetRoom', async (req: rooms.GetRoomRequest__Output): Promise<rooms.GetRoomResponse> => {
      const room = await mustGet(req.id);
      return { room: toRoom(room, await live.get(room.id)) };
    }),
    RotateStreamKey: admin(
      'RotateStreamKey',
      async (req: rooms.RotateStreamKeyRequest__Output): Promise<rooms.RotateStreamKeyResponse> => {
        const { room, streamKey } = await store.rotateStreamKey(req.id);
        svcLog.info({ room: room.id }, 'stream key rotated');
        return { room: toRoom(room, await live.get(room.id)), streamKey };
      },
    ),
    UpdateRoom: admin('UpdateRoom', async (req: rooms.UpdateRoomRequest__Output): Promise<rooms.UpdateRoomResponse> => {
      const room = await store.update(req.id, { title: req.title, record: req.record });
      svcLog.info({ room: room.id, record: room.record, retitled: req.title !== undefined }, 'room updated');
      return { room: toRoom(room, await live.get(room.id)) };
    }),
    DeleteRecording: admin(
      'DeleteRecording',
      async (req: rooms.DeleteRecordingRequest__Output): Promise<rooms.DeleteRecordingResponse> => ({
        deletedBytes: await recordings.delete(req.room, req.publishId),
      }),
    ),
    EndPublish: admin('EndPublish', async (req: rooms.EndPublishRequest__Output): Promise<rooms.EndPublishResponse> => {
      await mustGet(req.id);
      const publishId = await publishes.end(req.id);
      svcLog.info({ room: req.id, publishId }, 'publish ended by admin');
      return { publishId };
    }),
  };
}
