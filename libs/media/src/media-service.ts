import type { ServerWritableStream } from '@grpc/grpc-js';
import type { media } from '@onair/proto';
import { OnairError, type Logger } from '@onair/runtime';
import { toServiceError, unary } from '@onair/grpc-kit';
import type { MediaEvent } from './events.js';
import type { MediaHub } from './media-hub.js';

/** Options of {@link mediaServiceHandlers}. */
export interface MediaServiceOptions {
  /**
   * A subscriber whose unsent backlog passes this many bytes is cut off with RESOURCE_EXHAUSTED (it may
   * subscribe again), so one slow peer never grows the server's memory. @default 33554432 (32 MiB)
   */
  maxBacklogBytes?: number;
  /**
   * Whether the hub is a faithful copy of the rooms it should hold. While false, ListLiveStreams and Subscribe
   * answer UNAVAILABLE: a relay that has just started, and not yet caught up with its own upstream, must not
   * tell its followers that nothing is live (they would end their streams), only that it cannot answer yet
   * (they keep serving what they have and retry). @default () => true
   */
  ready?: () => boolean;
  /**
   * On a server that follows rooms only while they are asked for (an on-demand relay): a Subscribe first acquires
   * its room (resolving once the room's stream started, or it is known not to, bounded), and releases it when the
   * call ends. @default none: Subscribe answers from the hub as it is
   */
  demand?: { acquire(room: string): Promise<void>; release(room: string): void };
}

/** The UNAVAILABLE details while the server is not ready. */
export const NOT_READY = 'not ready: the server has not caught up with its upstream yet';

/** Media payload bytes an event carries (parts and init segments; control events count 0). */
function mediaBytes(event: MediaEvent): number {
  if (event.event === 'part') return event.part.data.length;
  if (event.event === 'initSegment') return event.initSegment.data.length;
  return 0;
}

/**
 * The onair.media.v1.MediaService implementation over a hub: ListLiveStreams lists the hub; Subscribe
 * replays a stream's snapshot, then follows it live and ends the call after StreamEnded. Both answer
 * UNAVAILABLE while `ready()` is false.
 */
export function mediaServiceHandlers(
  hub: MediaHub,
  log: Logger,
  { maxBacklogBytes = 32 * 1024 * 1024, ready = () => true, demand }: MediaServiceOptions = {},
): media.MediaServiceHandlers {
  const svcLog = log.child({ component: 'media-service' });
  return {
    ListLiveStreams: unary(svcLog, async () => {
      if (!ready()) throw new OnairError('UNAVAILABLE', NOT_READY);
      return {
        streams: hub
          .list()
          .map((s) => ({ room: s.room, publishId: s.info.publishId, startedAtMs: s.info.startedAtMs })),
      };
    }),
    Subscribe(call: ServerWritableStream<media.SubscribeRequest__Output, media.SubscribeResponse>) {
      const room = call.request.room;
      const fail = (err: OnairError): void => void call.emit('error', toServiceError(err, svcLog));
      if (!ready()) return fail(new OnairError('UNAVAILABLE', NOT_READY));
      if (!demand) return follow(call, room, fail);
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        demand.release(room);
      };
      call.on('cancelled', end);
      call.on('error', end);
      call.on('finish', end);
      demand.acquire(room).then(
        () => (call.cancelled ? end() : follow(call, room, fail)),
        (err: unknown) => {
          end();
          fail(err instanceof OnairError ? err : new OnairError('INTERNAL', 'internal error', { cause: err }));
        },
      );
    },
  };

  /** Replays the room's stream to the call, then follows it live. */
  function follow(
    call: ServerWritableStream<media.SubscribeRequest__Output, media.SubscribeResponse>,
    room: string,
    fail: (err: OnairError) => void,
  ): void {
    const stream = hub.get(room);
    const subLog = svcLog.child({ room, peer: call.getPeer() });
    if (!stream) return fail(new OnairError('NOT_FOUND', `room ${room} is not live`));
    let stop = (): void => undefined;
    let open = true;
    // grpc-js counts a server stream's backlog in messages, not bytes: count the media bytes written and not yet
    // flushed to the transport ourselves.
    let backlogBytes = 0;
    const close = (reason: string): void => {
      if (!open) return;
      open = false;
      stop();
      subLog.info({ reason }, 'subscriber closed');
    };
    const send = (event: MediaEvent): void => {
      if (!open) return;
      if (backlogBytes > maxBacklogBytes) {
        close('backlog');
        fail(new OnairError('TOO_SLOW', 'subscriber too slow'));
        return;
      }
      const bytes = mediaBytes(event);
      backlogBytes += bytes;
      call.write(event, () => (backlogBytes -= bytes));
      if (event.event === 'streamEnded') {
        close('stream ended');
        call.end();
      }
    };
    subLog.info('subscriber opened');
    for (const e of stream.snapshot()) send(e);
    if (open) stop = stream.listen(send);
    call.on('cancelled', () => close('cancelled'));
    call.on('error', () => close('error'));
  }
}
