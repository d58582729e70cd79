import { status, type ClientReadableStream, type StatusObject } from '@grpc/grpc-js';
import type { media } from '@onair/proto';
import { REPLACED_REASON, toMediaEvent, type MediaEvent, type MediaHub } from '@onair/media';
import { OnairError, type Logger } from '@onair/runtime';
import { Backoff, type BackoffOptions } from './backoff.js';

/** A call that lived this long was healthy: the next failure starts the backoff over, ms. */
const HEALTHY_CALL_MS = 10_000;
/**
 * Re-subscribe delay after NOT_FOUND where something else says the room is live, ms: fixed, not backed off. The
 * upstream answered, so it is not overloaded by the calls; the stream is about to start there (ingest writes the live
 * entry when the publish is accepted, and starts the stream once every rendition has its first part, seconds later
 * under load), and from then on every moment the call is late is media the upstream's window (one complete segment
 * on ingest by default) may no longer hold: the start of the publish, lost to a recording. Well under a segment.
 */
const NOT_LIVE_RETRY_MS = 250;

/** Options of {@link RoomSubscription}. */
export interface RoomSubscriptionOptions {
  room: string;
  client: media.MediaServiceClient;
  hub: MediaHub;
  /** The upstream component's logger; the subscription adds `{ room }`. */
  log: Logger;
  /** Called once when the room ended upstream (StreamEnded, or NOT_FOUND); not called after {@link stop}. */
  onFinished: (subscription: RoomSubscription) => void;
  /**
   * Whether NOT_FOUND ends the room. false where something else says the room is live (the live registry, which
   * names the ingest before its stream has started there): NOT_FOUND then re-subscribes every NOT_LIVE_RETRY_MS
   * (250 ms), so the call opens within that of the stream's start. @default true
   */
  endWhenNotFound?: boolean;
  backoff?: BackoffOptions;
}

/**
 * Follows one room of the upstream: `MediaService.Subscribe` applied event by event to the hub. A broken
 * call or an inconsistent event drops the call and re-subscribes with bounded backoff while the stream
 * keeps being served; the snapshot the upstream replays first replaces the hub's stream.
 */
export class RoomSubscription {
  readonly room: string;
  private readonly client: media.MediaServiceClient;
  private readonly hub: MediaHub;
  private readonly log: Logger;
  private readonly onFinished: (subscription: RoomSubscription) => void;
  private readonly backoff: Backoff;
  private readonly endWhenNotFound: boolean;
  private call: ClientReadableStream<media.SubscribeResponse__Output> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private openedAtMs = 0;
  private done = false;
  private answeredOnce = false;

  constructor({ room, client, hub, log, onFinished, backoff, endWhenNotFound = true }: RoomSubscriptionOptions) {
    this.room = room;
    this.client = client;
    this.hub = hub;
    this.log = log.child({ room });
    this.onFinished = onFinished;
    this.backoff = new Backoff(backoff);
    this.endWhenNotFound = endWhenNotFound;
  }

  /**
   * True once the upstream has answered this room: a call's StreamStarted reached the hub, or a call ended
   * (any status), or the subscription stopped. Until then the hub may lack a room the upstream has.
   */
  get answered(): boolean {
    return this.answeredOnce;
  }

  /** Opens the first call. */
  start(): void {
    this.open();
  }

  /** Cancels the call and any pending re-subscribe; the hub's stream is left to the caller. */
  stop(reason: string): void {
    if (this.done) return;
    this.done = true;
    this.answeredOnce = true;
    clearTimeout(this.timer);
    this.cancel();
    this.log.info({ reason }, 'subscription closed');
  }

  private open(): void {
    this.timer = undefined;
    if (this.done) return;
    const call = this.client.Subscribe({ room: this.room });
    this.call = call;
    this.openedAtMs = Date.now();
    let first = true;
    this.log.info('subscription opened');
    call.on('data', (msg: media.SubscribeResponse__Output) => {
      if (this.call !== call) return;
      try {
        const event = toMediaEvent(msg);
        this.check(event, first);
        first = false;
        if (event.event === 'streamEnded' && event.streamEnded.reason === REPLACED_REASON) {
          this.resubscribe('replaced upstream', 0);
          return;
        }
        this.hub.apply(this.room, event);
        this.answeredOnce = true;
        if (event.event === 'streamEnded') this.finish('ended upstream');
      } catch (err) {
        this.log.warn({ err }, 'inconsistent upstream event');
        this.resubscribe('inconsistent event');
      }
    });
    // Every outcome arrives once as 'status'; 'error' only needs a listener so it never goes unhandled.
    call.on('error', () => undefined);
    call.on('status', (s: StatusObject) => {
      if (this.call !== call) return;
      this.call = undefined;
      this.settle(s);
    });
  }

  /** @throws OnairError INVALID_ARGUMENT when a call does not start with this room's StreamStarted. */
  private check(event: MediaEvent, first: boolean): void {
    if (first !== (event.event === 'streamStarted')) {
      throw new OnairError('INVALID_ARGUMENT', `StreamStarted ${first ? 'missing' : 'repeated'} in the call`);
    }
    if (event.event === 'streamStarted' && event.streamStarted.room !== this.room) {
      throw new OnairError('INVALID_ARGUMENT', `StreamStarted for room ${event.streamStarted.room}`);
    }
  }

  private settle(s: StatusObject): void {
    this.answeredOnce = true;
    if (s.code === status.NOT_FOUND) {
      if (!this.endWhenNotFound) return this.resubscribe('not live upstream yet', NOT_LIVE_RETRY_MS);
      this.hub.end(this.room, 'not live upstream');
      return this.finish('not live upstream');
    }
    this.log.warn({ code: s.code, details: s.details }, 'subscription broken');
    this.resubscribe(s.code === status.OK ? 'call ended early' : 'call failed');
  }

  private resubscribe(reason: string, delayMs?: number): void {
    this.answeredOnce = true;
    this.cancel();
    if (this.done) return;
    if (Date.now() - this.openedAtMs >= HEALTHY_CALL_MS) this.backoff.reset();
    const delay = delayMs ?? this.backoff.next();
    this.log.info({ reason, delayMs: delay }, 'resubscribing');
    this.timer = setTimeout(() => this.open(), delay);
  }

  private finish(reason: string): void {
    this.stop(reason);
    this.onFinished(this);
  }

  private cancel(): void {
    const call = this.call;
    this.call = undefined;
    call?.cancel();
  }
}
