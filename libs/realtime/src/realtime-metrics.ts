import { Counter, Gauge, type Registry } from 'prom-client';

/** The Prometheus series of a realtime service (labelled with the service by the registry). */
export interface RealtimeMetrics {
  /** Open WebSocket connections. */
  readonly connections: Gauge;
  /** Messages accepted (validated and captured), from WebSocket and gRPC. */
  readonly accepted: Counter;
  /** Frames and posts refused, by reason (lower-case error code, or "flood"). */
  readonly rejected: Counter<'reason'>;
  /** Frames delivered to viewers' sockets by the fan-out. */
  readonly deliveries: Counter;
  readonly fanoutFrames: Counter;
  readonly droppedForSlowViewers: Counter;
  readonly merged: Counter;
  readonly sampled: Counter;
  /** Viewers closed because they fell too far behind (1013). */
  readonly slowViewersClosed: Counter;
}

/** Registers the realtime series in `registry` (Prometheus exposition format 0.0.4 names). */
export function createRealtimeMetrics(registry: Registry): RealtimeMetrics {
  const registers = [registry];
  return {
    connections: new Gauge({ name: 'onair_realtime_connections', help: 'Open WebSocket connections.', registers }),
    accepted: new Counter({
      name: 'onair_realtime_messages_accepted_total',
      help: 'Messages accepted and captured.',
      registers,
    }),
    rejected: new Counter({
      name: 'onair_realtime_messages_rejected_total',
      help: 'Frames and posts refused, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    deliveries: new Counter({
      name: 'onair_realtime_fanout_deliveries_total',
      help: 'Room frames delivered to viewer sockets, each item of a batch counted.',
      registers,
    }),
    fanoutFrames: new Counter({
      name: 'onair_realtime_fanout_frames_total',
      help: 'WebSocket frames written to viewer sockets for room deliveries, a batch counted once.',
      registers,
    }),
    droppedForSlowViewers: new Counter({
      name: 'onair_realtime_fanout_dropped_total',
      help: 'Room frames dropped from the queues of viewers that fell behind (oldest first).',
      registers,
    }),
    merged: new Counter({
      name: 'onair_realtime_fanout_merged_total',
      help: 'Messages merged into an identical one of the same batch window (sent once with a count).',
      registers,
    }),
    sampled: new Counter({
      name: 'onair_realtime_fanout_sampled_total',
      help: 'Messages sampled away from a busy room above its density cap (their senders still get them).',
      registers,
    }),
    slowViewersClosed: new Counter({
      name: 'onair_realtime_slow_viewers_closed_total',
      help: 'Viewers closed for falling too far behind.',
      registers,
    }),
  };
}
