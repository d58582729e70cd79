import { Metadata } from '@grpc/grpc-js';
import type { rooms } from '@onair/proto';
import { onair } from '@onair/proto';
import { call, createClient, deadlineIn, type GrpcTls } from '@onair/grpc-kit';

/** Time allowed for one RoomsService call, ms. */
const CALL_TIMEOUT_MS = 10_000;

/** The RoomsService calls the CLI makes, as promises. */
export interface RoomsClient {
  create(id: string, title: string): Promise<rooms.CreateRoomResponse__Output>;
  list(): Promise<rooms.ListRoomsResponse__Output>;
  get(id: string): Promise<rooms.GetRoomResponse__Output>;
  rotateKey(id: string): Promise<rooms.RotateStreamKeyResponse__Output>;
  /** Changes the title and/or the record setting; a field left undefined keeps its value. */
  update(id: string, changes: { title?: string; record?: boolean }): Promise<rooms.UpdateRoomResponse__Output>;
  /** Deletes recording `publishId` of `room` from the origin relays; the answer says what it held, bytes. */
  deleteRecording(room: string, publishId: string): Promise<rooms.DeleteRecordingResponse__Output>;
  /** Ends the room's live publish at once (its publisher disconnected, no reconnect grace period). */
  endPublish(id: string): Promise<rooms.EndPublishResponse__Output>;
  close(): void;
}

/**
 * Connects to ingest's onair.rooms.v1.RoomsService at "host:port", plaintext or with the CLI's mTLS identity `tls`
 * (ingest's certificate must name `ingest`). Each call has a 10 s deadline and,
 * given a token, carries the gRPC metadata `authorization: Bearer <token>` (ingest's INGEST_ADMIN_TOKEN).
 * @throws Error when `address` is not a target gRPC can parse.
 * @throws (from each call) OnairError mapped from the gRPC status: NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT,
 * UNAUTHENTICATED (missing or wrong token), PERMISSION_DENIED (a remote caller while ingest has no token),
 * UNAVAILABLE when ingest cannot be reached (or, for deleteRecording and endPublish, ingest cannot reach NATS).
 */
export function createRoomsClient(address: string, token?: string, tls?: GrpcTls): RoomsClient {
  const client = createClient(onair().rooms.v1.RoomsService, address, {}, tls);
  const metadata = (): Metadata => {
    const md = new Metadata();
    if (token) md.set('authorization', `Bearer ${token}`);
    return md;
  };
  const options = (): { deadline: Date } => ({ deadline: deadlineIn(CALL_TIMEOUT_MS) });
  return {
    create: (id, title) => call((cb) => client.CreateRoom({ id, title }, metadata(), options(), cb)),
    list: () => call((cb) => client.ListRooms({}, metadata(), options(), cb)),
    get: (id) => call((cb) => client.GetRoom({ id }, metadata(), options(), cb)),
    rotateKey: (id) => call((cb) => client.RotateStreamKey({ id }, metadata(), options(), cb)),
    update: (id, { title, record }) =>
      call((cb) => client.UpdateRoom({ id, title, record }, metadata(), options(), cb)),
    deleteRecording: (room, publishId) =>
      call((cb) => client.DeleteRecording({ room, publishId }, metadata(), options(), cb)),
    endPublish: (id) => call((cb) => client.EndPublish({ id }, metadata(), options(), cb)),
    close: () => client.close(),
  };
}
