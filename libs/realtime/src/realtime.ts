import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { jetstream, jetstreamManager, type NatsConnection } from '@onair/nats-kit';
import { INSTANCE_ID, type Logger } from '@onair/runtime';
import type { ClientLimits, RoomMessage } from './frames.js';
import { joinFrames } from './join-frames.js';
import { MessageRate } from './message-rate.js';
import { overloadFilter } from './overload-filter.js';
import { PostLimits } from './post-limits.js';
import type { WindowFilter } from './room-batch.js';
import { heldFrame, releasedFrame } from './moderation-frames.js';
import { Moderation } from './moderation/moderation.js';
import { RoomMessages, type MessageKind, type PostObserver } from './room-messages.js';
import { durationMs, type RealtimeConfig } from './realtime-config.js';
import { createRealtimeHttp } from './realtime-http.js';
import { createRealtimeMetrics } from './realtime-metrics.js';
import { Presence, type PresenceOptions } from './presence.js';
import { RoomFanout } from './room-fanout.js';
import { RoomLog } from './room-log.js';
import { streamBus } from './stream-bus.js';
import { RealtimeWsServer } from './ws-server.js';
import type { TokenVerifier } from './token-verifier.js';

/** Options of {@link startRealtime}. */
/** What a service's own HTTP routes post through: the messages the sockets use and their token verifier. */
export interface RoutesCore<P extends { text: string }, M extends RoomMessage> {
  readonly messages: RoomMessages<P, M>;
  /** Undefined when the service takes no viewer tokens. */
  readonly verifier: TokenVerifier | undefined;
}

export interface RealtimeOptions<P extends { text: string }, M extends RoomMessage> {
  config: RealtimeConfig;
  log: Logger;
  registry: Registry;
  nc: NatsConnection;
  kind: MessageKind<P, M>;
  /** Verifies viewer tokens (see tokenVerifierFromConfig); undefined: no token is taken, only guests post. */
  verifier: TokenVerifier | undefined;
  /** Extra fields of `GET /healthz`. */
  health?: () => Record<string, unknown>;
  /**
   * The service's own HTTP routes, registered on the HTTP server before it listens, given the core's posting path
   * and token verifier so that a route posts exactly as a socket does.
   */
  routes?: ((app: FastifyInstance, core: RoutesCore<P, M>) => void) | undefined;
  /** A viewer whose socket buffers more is closed (1013), bytes. @default 1048576 */
  maxBufferedBytes?: number;
  /** A connection without a hello this long after opening is closed (4002), ms. @default 10000 */
  helloTimeoutMs?: number;
  /**
   * Presence settings ({@link PresenceOptions}); `subject` defaults to the first token of the kind's subject prefix
   * and `.presence`, e.g. `chat.presence`.
   */
  presence?: Partial<Pick<PresenceOptions, 'subject' | 'intervalMs' | 'expireMs' | 'usersLimit'>>;
}

/** What one instance knows of one room, for Telemetry.GetStats (onair.telemetry.v1.RoomStats fields). */
export interface RoomActivity {
  readonly room: string;
  /** Open WebSockets of the room on this instance. */
  readonly viewers: number;
  /** The room's open WebSockets over all instances, from presence (as of each instance's latest interval). */
  readonly roomViewers: number;
  /** Messages accepted by this instance in the room per second, over the last 10 s. */
  readonly messagesPerSecond: number;
  /** Posts and frames this instance refused in the room with RATE_LIMITED (any scope) per second, over the last 10 s. */
  readonly rateLimitedPerSecond: number;
}

/** A running realtime service core. */
export interface Realtime<P extends { text: string }, M extends RoomMessage> {
  /** Posts and history reads, for the gRPC handlers. */
  readonly messages: RoomMessages<P, M>;
  /** The rooms' moderation, for the gRPC handlers. */
  readonly moderation: Moderation;
  /** The bound HTTP/WebSocket port. */
  readonly httpPort: number;
  /** Rooms with viewers here or recent messages. */
  activity(): RoomActivity[];
  /**
   * Stops presence (the other instances drop this one at once), closes the sockets (1001) and the HTTP server, then
   * the rooms' consumers.
   */
  stop(): Promise<void>;
}

/**
 * Starts the machinery a room message service shares (danmaku, chat): the JetStream room log (streams
 * created when missing), moderation (KV state, audit stream; see Moderation), the post pipeline with the instance's
 * post limits (PostLimits), the per-room fan-out from the capture stream (README
 * "Delivery"), the WebSocket endpoint `/ws` with `/healthz` and `/metrics` on `config.httpPort`, metrics
 * and room activity.
 * @throws when the streams cannot be created or the port cannot be bound.
 */
export async function startRealtime<P extends { text: string }, M extends RoomMessage>(
  options: RealtimeOptions<P, M>,
): Promise<Realtime<P, M>> {
  const { config, log, registry, nc } = options;
  const metrics = createRealtimeMetrics(registry);
  const rates = new MessageRate();
  const rateLimited = new MessageRate();
  const observer: PostObserver = {
    accepted(room) {
      metrics.accepted.inc();
      rates.record(room);
    },
    rejected(reason, room) {
      metrics.rejected.inc({ reason });
      if (reason.startsWith('rate_limited')) rateLimited.record(room);
    },
  };
  const store = await RoomLog.open({
    nc,
    log,
    stream: options.kind.stream,
    subjectPrefix: options.kind.subjectPrefix,
    historySize: config.historySize,
    retentionMs: durationMs(config.retention),
    replicas: config.natsReplicas,
  });
  const moderation = await Moderation.open({
    nc,
    stream: options.kind.stream,
    auditSubjectPrefix: `${options.kind.subjectPrefix.split('.')[0]}.audit`,
    editor: store,
    defaults: {
      guests: config.guests,
      densityPerSec: config.densityPerSec,
      mergeIdentical: config.mergeIdentical,
      roomRatePerSec: config.roomRatePerSec,
    },
    replicas: config.natsReplicas,
    log,
  });
  const postLimits = new PostLimits({
    userRatePerSec: config.userRatePerSec,
    userBurst: config.userRateBurst,
    roomRatePerSec: (room) => moderation.settings(room).roomRatePerSec,
    roomBurst: config.roomRateBurst,
    duplicateWindowMs: config.duplicateWindowMs,
  });
  const messages = new RoomMessages({ kind: options.kind, store, observer, gate: moderation, limits: postLimits, log });
  const bus = streamBus({ js: jetstream(nc), jsm: await jetstreamManager(nc), stream: options.kind.stream, log });
  const overload = (room: string, counted: boolean): WindowFilter =>
    overloadFilter({
      type: options.kind.type,
      settings: () => {
        const { mergeIdentical, densityPerSec } = moderation.settings(room);
        return { merge: mergeIdentical, densityPerSec };
      },
      windowMs: config.batchWindowMs,
      onMerged: (merged) => {
        if (counted) metrics.merged.inc(merged);
      },
      onSampled: (sampled) => {
        if (counted) metrics.sampled.inc(sampled);
      },
    });
  const fanout = new RoomFanout(bus, (room) => store.subject(room), log, config.batchWindowMs, overload);
  const maxBufferedBytes = options.maxBufferedBytes ?? 1_048_576;
  const join = joinFrames({
    since: (room, afterSeq) => store.since(room, afterSeq),
    history: options.kind.historyOnJoin ? (room) => messages.recent(room, config.historySize) : undefined,
    maxRecoveredBytes: maxBufferedBytes / 2,
    log,
  });
  const limits: ClientLimits = {
    maxTextLength: config.maxTextLength,
    ratePerSec: config.ratePerSec,
    rateBurst: config.rateBurst,
    maxFrameBytes: config.maxFrameBytes,
  };
  const ws = new RealtimeWsServer({
    log,
    maxFrameBytes: config.maxFrameBytes,
    context: {
      messages,
      fanout,
      join,
      verifier: options.verifier,
      guests: (room) => moderation.settings(room).guests,
      moderation,
      helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
      limits,
      observer,
      metrics,
      maxBufferedBytes,
      viewerQueue: { highWaterBytes: 65_536, maxQueuedBytes: maxBufferedBytes, maxBehindMs: config.maxBehindMs },
      maxBacklog: 1000,
      // As many posts may wait for the store as a client may send at once.
      maxPendingPosts: config.rateBurst,
    },
  });
  const http = createRealtimeHttp({
    log,
    registry,
    ws,
    health: options.health ?? (() => ({})),
    routes: (app) => options.routes?.(app, { messages, verifier: options.verifier }),
  });
  const httpPort = await http.listen(config.host, config.httpPort);
  const presence = new Presence({
    subject: `${options.kind.subjectPrefix.split('.')[0]}.presence`,
    ...options.presence,
    nc,
    instance: INSTANCE_ID,
    localRooms: (usersLimit) => fanout.localRooms(usersLimit),
    push: (room, frame) => fanout.broadcastLocal(room, frame),
    log,
  });
  presence.start();
  const stopHeld = moderation.onHeld((room, change) =>
    fanout.broadcastLocal(
      room,
      'held' in change ? heldFrame(room, change.held) : releasedFrame(room, change.released),
      true,
    ),
  );

  return {
    messages,
    moderation,
    httpPort,
    activity() {
      const viewers = fanout.viewerCounts();
      const rooms = new Set([...viewers.keys(), ...rates.activeRooms(), ...rateLimited.activeRooms()]);
      return [...rooms].sort().map((room) => ({
        room,
        viewers: viewers.get(room) ?? 0,
        roomViewers: presence.room(room).viewers,
        messagesPerSecond: rates.perSecond(room),
        rateLimitedPerSecond: rateLimited.perSecond(room),
      }));
    },
    async stop() {
      presence.stop();
      stopHeld();
      await http.stop();
      await fanout.close();
      await moderation.close();
    },
  };
}
