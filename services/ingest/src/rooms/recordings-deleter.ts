import {
  PUBLISH_ID_PATTERN,
  RECORDINGS_DELETE_SUBJECT,
  ROOM_ID_PATTERN,
  deleteRecordingReplySchema,
  type DeleteRecordingRequest,
} from '@onair/contracts';
import { NoRespondersError, type Msg, type NatsConnection } from '@onair/nats-kit';
import { OnairError, type Logger } from '@onair/runtime';

/** How long a delete request collects the origin relays' replies at most, ms. */
export const DELETE_REPLY_WINDOW_MS = 1000;

/** Options of {@link RecordingsDeleter}. */
export interface RecordingsDeleterOptions {
  log: Logger;
  /** How long to collect replies at most, ms. @default DELETE_REPLY_WINDOW_MS */
  windowMs?: number;
}

/**
 * Deletes recordings from the origin relays over NATS: a request on RECORDINGS_DELETE_SUBJECT reaches every origin
 * that records (each answers `{"deleted":bool,"bytes"?:n}`, see the relay's RecordingsKeeper); replies are
 * collected until the first that deleted, or for the reply window. Every origin that holds a copy deletes it
 * whether or not its reply is waited for.
 */
export class RecordingsDeleter {
  private readonly log: Logger;
  private readonly windowMs: number;

  constructor(
    private readonly nc: NatsConnection,
    { log, windowMs = DELETE_REPLY_WINDOW_MS }: RecordingsDeleterOptions,
  ) {
    this.log = log.child({ component: 'recordings-deleter' });
    this.windowMs = windowMs;
  }

  /**
   * Deletes recording `publishId` of `room`.
   * @returns what it held on the first origin that deleted it, bytes.
   * @throws OnairError INVALID_ARGUMENT (`field` room or publishId) for an id that does not match ROOM_ID_PATTERN or
   * PUBLISH_ID_PATTERN; UNAVAILABLE when the NATS connection is down (closed, or reconnecting); NOT_FOUND when no
   * origin answered within the window that it deleted the recording (none holds it, or no origin records).
   */
  async delete(room: string, publishId: string): Promise<number> {
    if (!ROOM_ID_PATTERN.test(room))
      throw new OnairError('INVALID_ARGUMENT', 'room must be a room id (a slug)', { field: 'room' });
    if (!PUBLISH_ID_PATTERN.test(publishId))
      throw new OnairError('INVALID_ARGUMENT', 'publishId must be a lower-case UUID', { field: 'publishId' });
    try {
      // Throws at once while disconnected, where a request would be buffered until the reconnect.
      await this.nc.rtt();
    } catch (err) {
      throw new OnairError('UNAVAILABLE', 'ingest is not connected to NATS; retry', { cause: err });
    }
    const request: DeleteRecordingRequest = { room, publishId };
    const bytes = await this.firstDeleted(request);
    if (bytes === undefined)
      throw new OnairError('NOT_FOUND', `no origin relay holds recording ${publishId} of room ${room}`);
    this.log.info({ room, publishId, bytes }, 'recording deleted');
    return bytes;
  }

  /** The bytes of the first reply that deleted, or undefined when none did within the window. */
  private async firstDeleted(request: DeleteRecordingRequest): Promise<number | undefined> {
    let replies: AsyncIterable<Msg>;
    try {
      replies = await this.nc.requestMany(RECORDINGS_DELETE_SUBJECT, JSON.stringify(request), {
        strategy: 'timer',
        maxWait: this.windowMs,
      });
    } catch (err) {
      throw new OnairError('UNAVAILABLE', 'ingest could not ask the relays over NATS; retry', { cause: err });
    }
    try {
      for await (const msg of replies) {
        const reply = deleteRecordingReplySchema.safeParse(parseJson(msg));
        if (reply.success && reply.data.deleted) return reply.data.bytes ?? 0;
      }
    } catch (err) {
      // No responders: no origin relay records, so none holds the recording.
      if (err instanceof NoRespondersError) return undefined;
      throw new OnairError('UNAVAILABLE', 'the relays did not answer over NATS; retry', { cause: err });
    }
    return undefined;
  }
}

function parseJson(msg: Msg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}
