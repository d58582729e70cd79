import type { Socket } from 'node:net';
import type { RawData } from 'ws';
import type { ClientLimits, RoomMessage } from './frames.js';
import type { Poster } from './identity.js';
import type { RoomStateFields } from './moderation-frames.js';
import type { PostObserver, PostRequest } from './room-messages.js';
import type { RealtimeMetrics } from './realtime-metrics.js';
import type { Result } from './result.js';
import type { RoomFanout } from './room-fanout.js';
import type { TokenVerifier } from './token-verifier.js';
import type { ViewerQueueLimits } from './viewer-queue.js';

/**
 * Frames a joining viewer gets before the welcome (recovered frames, or chat's history), and the last capture seq
 * they cover: room frames delivered while joining are sent after them only when their seq is past it.
 */
export interface JoinFrames {
  readonly frames: readonly string[];
  /** Last seq the frames cover; 0 when they hold no room frame. */
  readonly lastSeq: number;
}

/** Everything a connection needs from its server; shared by all connections. */
export interface ConnContext {
  /** Accepts a post; `type` is the client frame type that posts. */
  readonly messages: { readonly type: string; post(request: PostRequest): Promise<Result<RoomMessage>> };
  readonly fanout: RoomFanout;
  /** Frames for a viewer joining `room`, sent before the welcome; `since` is the last seq the client saw. */
  join(room: string, since?: number): Promise<JoinFrames>;
  /** Verifies hello tokens; undefined when no key is configured (then only guests post). */
  readonly verifier: TokenVerifier | undefined;
  /** Whether `room` lets viewers without a token post. */
  guests(room: string): boolean;
  /** The rooms' moderation: actions of the connection's moderators, held posts, settings (see Moderation). */
  readonly moderation: ConnModeration;
  /** A connection that has not said hello this long after opening is closed (NO_HELLO), ms. */
  readonly helloTimeoutMs: number;
  readonly limits: ClientLimits;
  /** A viewer whose socket buffers more than this is closed (1013), bytes. */
  readonly maxBufferedBytes: number;
  /** Bounds of each viewer's queue of room batches (see ViewerQueue). */
  readonly viewerQueue: ViewerQueueLimits;
  /** Frames kept for a viewer while it joins; more closes it (1013). */
  readonly maxBacklog: number;
  /** Posts of a connection outstanding (being stored or not yet answered) behind its oldest; more get RATE_LIMITED. */
  readonly maxPendingPosts: number;
  readonly observer: PostObserver;
  readonly metrics: RealtimeMetrics;
}

/** What a connection needs of moderation (Moderation implements it). */
export interface ConnModeration {
  /** Carries out `actor`'s action in `room`; expected failures are values (FORBIDDEN, INVALID_ARGUMENT, ...). */
  apply(actor: Poster, room: string, action: unknown): Promise<Result<void>>;
  /** The room's posts waiting for review, oldest first. */
  held(room: string): RoomMessage[];
  /** The room's settings in force. */
  settings(room: string): RoomStateFields;
}

/** What a connection needs of its socket: the part of ws' WebSocket it uses. */
export interface ViewerSocket {
  readonly readyState: number;
  /** Bytes queued by send() and not yet written to the network. */
  readonly bufferedAmount: number;
  send(data: Buffer, options: { binary: boolean }): void;
  /** The TCP socket under the WebSocket (ws keeps it as `_socket`), corked while a batch of frames is written. */
  readonly _socket?: Socket;
  close(code: number, reason: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): unknown;
}
