import { Metadata } from '@grpc/grpc-js';
import { onair, type rooms } from '@onair/proto';
import { call, createClient, deadlineIn, type GrpcTls } from '@onair/grpc-kit';
import { OnairError } from '@onair/runtime';

/** Time allowed for one RoomsService call, ms (EndPublish may ask other ingest instances for up to 1 s). */
const CALL_TIMEOUT_MS = 10_000;

/** A room as the admin API answers it. */
export interface AdminRoom {
  id: string;
  title: string;
  /** Unix epoch ms. */
  createdAtMs: number;
  live: boolean;
  /** Whether the room's publishes are recorded, from its next publish on. */
  record: boolean;
  /** Whether its live publish is recorded (false when not live). */
  recording: boolean;
}

/** The RoomsService calls behind the admin actions and the live rooms' record state. */
export interface IngestRooms {
  /** One room. */
  getRoom(room: string): Promise<AdminRoom>;
  /** Ends the room's live publish at once; resolves to its publish id. */
  endPublish(room: string): Promise<string>;
  /** Replaces the room's stream key; resolves to the room and the new key (the only time it is seen). */
  rotateKey(room: string): Promise<{ room: AdminRoom; streamKey: string }>;
  /** Sets whether the room is recorded (from its next publish). */
  setRecord(room: string, record: boolean): Promise<AdminRoom>;
  close(): void;
}

function adminRoom(room: rooms.Room__Output | null): AdminRoom {
  if (!room) throw new OnairError('INTERNAL', 'ingest answered without a room');
  const { id, title, createdAtMs, live, record, recording } = room;
  return { id, title, createdAtMs, live, record, recording };
}

/**
 * An ingest refusing monitoring's own credentials is monitoring's misconfiguration, not the admin's: it is answered
 * UNAVAILABLE, so a 401/403 from the admin API always means the admin token.
 */
async function translated<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof OnairError && (err.code === 'UNAUTHENTICATED' || err.code === 'PERMISSION_DENIED'))
      throw new OnairError(
        'UNAVAILABLE',
        "ingest refused monitoring's credentials: set MONITORING_INGEST_ADMIN_TOKEN to ingest's INGEST_ADMIN_TOKEN",
        { cause: err },
      );
    throw err;
  }
}

/**
 * A client of ingest's onair.rooms.v1.RoomsService at "host:port" (plaintext, or with monitoring's mTLS identity
 * `tls`), each call carrying `authorization: Bearer <token>` when a token is given, with a 10 s deadline.
 * @throws (from each call) OnairError mapped from the gRPC status: NOT_FOUND, INVALID_ARGUMENT, UNAVAILABLE (ingest
 * unreachable, or refusing monitoring's token).
 */
export function createIngestRooms(address: string, token: string | undefined, tls?: GrpcTls): IngestRooms {
  const client = createClient(onair().rooms.v1.RoomsService, address, {}, tls);
  const metadata = (): Metadata => {
    const md = new Metadata();
    if (token) md.set('authorization', `Bearer ${token}`);
    return md;
  };
  const options = (): { deadline: Date } => ({ deadline: deadlineIn(CALL_TIMEOUT_MS) });
  return {
    getRoom: async (id) => {
      const res = await translated(
        call<rooms.GetRoomResponse__Output>((cb) => client.GetRoom({ id }, metadata(), options(), cb)),
      );
      return adminRoom(res.room);
    },
    endPublish: async (id) => {
      const res = await translated(
        call<rooms.EndPublishResponse__Output>((cb) => client.EndPublish({ id }, metadata(), options(), cb)),
      );
      return res.publishId;
    },
    rotateKey: async (id) => {
      const res = await translated(
        call<rooms.RotateStreamKeyResponse__Output>((cb) => client.RotateStreamKey({ id }, metadata(), options(), cb)),
      );
      return { room: adminRoom(res.room), streamKey: res.streamKey };
    },
    setRecord: async (id, record) => {
      const res = await translated(
        call<rooms.UpdateRoomResponse__Output>((cb) => client.UpdateRoom({ id, record }, metadata(), options(), cb)),
      );
      return adminRoom(res.room);
    },
    close: () => client.close(),
  };
}
