import type { ChannelOptions } from '@grpc/grpc-js';

/**
 * Read-only methods of Onair's services that a client may retry safely (a retry repeats no effect), by full
 * service name: all of a service when the list is empty.
 */
export const IDEMPOTENT_METHODS: Readonly<Record<string, readonly string[]>> = {
  'grpc.health.v1.Health': ['Check'],
  'onair.telemetry.v1.TelemetryService': [],
  'onair.rooms.v1.RoomsService': ['GetRoom', 'ListRooms'],
  'onair.chat.v1.ChatService': ['GetHistory'],
  'onair.danmaku.v1.DanmakuService': ['ListDanmaku'],
  'onair.moderation.v1.ModerationService': ['GetRoomState', 'ListHeld', 'GetAuditLog'],
};

/** How a retried call backs off; gRPC A6 retry policy fields. */
export const RETRY_POLICY = {
  maxAttempts: 3,
  initialBackoff: '0.1s',
  maxBackoff: '1s',
  backoffMultiplier: 2,
  retryableStatusCodes: ['UNAVAILABLE'],
} as const;

/**
 * The service config of every internal channel (gRPC service config, doc/service_config.md): `round_robin` over
 * every address the target resolves to (so `dns:///chat:50054` spreads calls over all chat replicas, and a replica
 * whose connection fails gets none until it reconnects), and {@link RETRY_POLICY} for the methods of
 * {@link IDEMPOTENT_METHODS} that fail UNAVAILABLE (a replica going away mid-call). Calls that change state are never
 * retried: the caller decides.
 */
export function internalServiceConfig(): string {
  const name = Object.entries(IDEMPOTENT_METHODS).flatMap(([service, methods]) =>
    methods.length === 0 ? [{ service }] : methods.map((method) => ({ service, method })),
  );
  return JSON.stringify({
    loadBalancingConfig: [{ round_robin: {} }],
    methodConfig: [{ name, retryPolicy: RETRY_POLICY }],
  });
}

/**
 * Channel options of every internal client: the {@link internalServiceConfig}, keepalive pings every 10 s on an
 * open connection (a peer that stops answering is dropped within 15 s, and its calls go to the others), DNS
 * re-resolved at most every 5 s when a connection fails (replicas coming and going), messages up to 64 MiB.
 */
export function internalChannelOptions(): ChannelOptions {
  return {
    'grpc.service_config': internalServiceConfig(),
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 5_000,
    'grpc.dns_min_time_between_resolutions_ms': 5_000,
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
  };
}
