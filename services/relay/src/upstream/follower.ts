import type { LiveEntry } from '@onair/contracts';
import type { GrpcTls } from '@onair/grpc-kit';
import type { MediaHub, MediaServiceOptions } from '@onair/media';
import type { NatsConnection } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import type { Config } from '../config.js';
import type { RoomDemand } from '../hls/room-streams.js';
import { OnDemandUpstream } from './on-demand-upstream.js';
import { RegistryUpstream } from './registry-upstream.js';
import { Upstream } from './upstream.js';

/** How a relay follows its upstream, as the composition root wires it. */
export interface Follower {
  /** @throws when the registry's NATS cannot be reached (RELAY_NATS_URL). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Fields of `GET /healthz`. */
  health(): Record<string, unknown>;
  /** The MediaService options for followers of this relay (readiness, or rooms followed on demand). */
  readonly media: MediaServiceOptions;
  /** On an on-demand relay: how HLS requests ask for a room. */
  readonly demand: RoomDemand | undefined;
  /** The live registry's NATS connection once started (with `config.natsUrl`), for other components to share. */
  nats(): NatsConnection | undefined;
}

/**
 * The relay's follower of its upstream for `config.follow`: "all" follows every live room (an origin; its
 * MediaService answers UNAVAILABLE until it has caught up), from the ingest the live registry names for each room when
 * `config.natsUrl` is set, else by polling ListLiveStreams of `config.upstream`; "on-demand" follows a room while
 * HTTP requests or MediaService subscribers ask for it (an edge). `onEntry` is told each live entry the registry
 * reads (only with `config.natsUrl`).
 */
export function createFollower(
  config: Config,
  hub: MediaHub,
  log: Logger,
  tls?: GrpcTls,
  onEntry?: (room: string, entry: LiveEntry | undefined) => void,
): Follower {
  const { upstream: address } = config;
  if (config.follow === 'on-demand') {
    const onDemand = new OnDemandUpstream({
      address,
      tls,
      hub,
      log,
      firstRequestWaitMs: config.firstRequestWaitMs,
      idleMs: config.idleMs,
    });
    return {
      start: async () => onDemand.start(),
      stop: () => onDemand.stop(),
      health: () => ({ upstream: address, follow: config.follow, followedRooms: onDemand.rooms.length }),
      media: { demand: onDemand },
      demand: onDemand,
      nats: () => undefined,
    };
  }
  if (config.natsUrl) {
    const registry = new RegistryUpstream({
      natsUrl: config.natsUrl,
      fallbackAddress: address,
      tls,
      sweepMs: config.upstreamPollMs,
      hub,
      log,
      onEntry,
    });
    return {
      start: () => registry.start(),
      stop: () => registry.stop(),
      health: () => ({
        follow: config.follow,
        registry: 'nats',
        upstreams: registry.upstreams,
        followedRooms: registry.rooms.length,
      }),
      media: { ready: () => registry.ready },
      demand: undefined,
      nats: () => registry.nats,
    };
  }
  const all = new Upstream({ address, tls, pollMs: config.upstreamPollMs, hub, log });
  return {
    start: async () => all.start(),
    stop: () => all.stop(),
    health: () => ({ upstream: address, follow: config.follow, upstreamReachable: all.reachable }),
    media: { ready: () => all.ready },
    demand: undefined,
    nats: () => undefined,
  };
}
