import { z } from 'zod';
import { PUBLISH_ID_PATTERN, ROOM_ID_PATTERN } from '@onair/contracts';
import { NoRespondersError, type Msg, type NatsConnection, type Subscription } from '@onair/nats-kit';
import { OnairError, type Logger } from '@onair/runtime';
import type { LiveRegistry } from './live-registry.js';

/**
 * NATS subject on which every ingest instance answers requests to end one live publish it holds. Request:
 * `{"room","publishId"}` as JSON; reply, only from the instance that held it, once it has ended: `{"ended":true}`.
 */
export const PUBLISH_END_SUBJECT = 'onair.ingest.publish.end';

/** How long an end request waits for the holding instance's reply at most, ms. */
export const END_REPLY_WINDOW_MS = 1000;

/** Why an admin-ended publish ended, as its publisher's connection close, on_unpublish and the logs say it. */
export const END_REASON = 'ended by admin';

const endRequestSchema = z.object({
  room: z.string().regex(ROOM_ID_PATTERN),
  publishId: z.string().regex(PUBLISH_ID_PATTERN),
});

const endReplySchema = z.object({ ended: z.literal(true) });

/** The publishes this instance holds, as the ender sees them (the RTMP server). */
export interface LocalPublishes {
  /**
   * Ends publish `publishId` of `room` at once if this instance holds it; resolves once it has ended.
   * @returns false when it does not hold it.
   */
  endPublish(room: string, publishId: string, reason: string): Promise<boolean>;
}

/** Options of {@link PublishEnder}. */
export interface PublishEnderOptions {
  log: Logger;
  /** How long to wait for the holding instance's reply at most, ms. @default END_REPLY_WINDOW_MS */
  windowMs?: number;
}

/**
 * Ends a room's live publish wherever it is (RoomsService.EndPublish): on this instance directly, on another over
 * NATS ({@link PUBLISH_END_SUBJECT}; every instance subscribes and only the holder answers). A live entry that no
 * instance answers for within the window belongs to an instance that died: it is deleted, so relays end the stream
 * now rather than when the entry expires.
 */
export class PublishEnder {
  private readonly log: Logger;
  private readonly windowMs: number;
  private subscription: Subscription | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly live: LiveRegistry,
    private readonly local: LocalPublishes,
    { log, windowMs = END_REPLY_WINDOW_MS }: PublishEnderOptions,
  ) {
    this.log = log.child({ component: 'publish-ender' });
    this.windowMs = windowMs;
  }

  /** Answers other instances' end requests for the publishes this instance holds. */
  start(): void {
    this.subscription = this.nc.subscribe(PUBLISH_END_SUBJECT, {
      callback: (err, msg) => {
        if (!err) void this.answer(msg);
      },
    });
    this.log.info({ subject: PUBLISH_END_SUBJECT }, 'opened');
  }

  /** Stops answering end requests. */
  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.log.info('closed');
  }

  /**
   * Ends the live publish of `room` at once: its publisher's connection is closed, no reconnect grace period is
   * given, and its live entry is gone when this resolves.
   * @returns the ended publish's id.
   * @throws OnairError INVALID_ARGUMENT (`field` id) for an id that does not match ROOM_ID_PATTERN; NOT_FOUND when the
   * room is not live; UNAVAILABLE when NATS cannot be reached.
   */
  async end(room: string): Promise<string> {
    if (!ROOM_ID_PATTERN.test(room))
      throw new OnairError('INVALID_ARGUMENT', 'id must be a room id (a slug)', { field: 'id' });
    let publishId: string | undefined;
    try {
      // Throws at once while disconnected, where a request would be buffered until the reconnect.
      await this.nc.rtt();
      publishId = (await this.live.get(room))?.publishId;
    } catch (err) {
      throw new OnairError('UNAVAILABLE', 'ingest is not connected to NATS; retry', { cause: err });
    }
    if (publishId === undefined) throw new OnairError('NOT_FOUND', `room ${room} is not live`);
    if (await this.local.endPublish(room, publishId, END_REASON)) {
      this.log.info({ room, publishId, where: 'here' }, 'publish ended');
      return publishId;
    }
    if (await this.askHolder(room, publishId)) {
      this.log.info({ room, publishId, where: 'other instance' }, 'publish ended');
      return publishId;
    }
    if (await this.live.remove(room, publishId)) return publishId;
    throw new OnairError('NOT_FOUND', `room ${room} is not live`);
  }

  /** True once the instance holding the publish replied that it ended it; false when none did within the window. */
  private async askHolder(room: string, publishId: string): Promise<boolean> {
    let replies: AsyncIterable<Msg>;
    try {
      replies = await this.nc.requestMany(PUBLISH_END_SUBJECT, JSON.stringify({ room, publishId }), {
        strategy: 'timer',
        maxWait: this.windowMs,
      });
    } catch (err) {
      throw new OnairError('UNAVAILABLE', 'ingest could not ask the other instances over NATS; retry', { cause: err });
    }
    try {
      for await (const msg of replies) if (endReplySchema.safeParse(parseJson(msg)).success) return true;
    } catch (err) {
      if (err instanceof NoRespondersError) return false;
      throw new OnairError('UNAVAILABLE', 'the other ingest instances did not answer over NATS; retry', { cause: err });
    }
    return false;
  }

  /** Ends the requested publish if this instance holds it and replies then; stays silent otherwise. */
  private async answer(msg: Msg): Promise<void> {
    const request = endRequestSchema.safeParse(parseJson(msg));
    if (!request.success) {
      this.log.warn('unreadable end request');
      return;
    }
    const { room, publishId } = request.data;
    try {
      if (!(await this.local.endPublish(room, publishId, END_REASON))) return;
      this.log.info({ room, publishId, where: 'asked over NATS' }, 'publish ended');
      msg.respond(JSON.stringify({ ended: true }));
    } catch (err) {
      this.log.error({ err, room, publishId }, 'publish end failed');
    }
  }
}

function parseJson(msg: Msg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}
