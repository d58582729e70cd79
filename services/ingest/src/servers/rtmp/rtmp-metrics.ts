import { Counter, Gauge, type Registry } from 'prom-client';
import type { RefusalReason } from './publish-gate.js';

/** Outcome of a publish request, the label of `onair_ingest_publishes_total`. */
export type PublishResult = 'accepted' | RefusalReason | 'error';

/** What the RTMP server counts; the server declares it, the composition root backs it with Prometheus. */
export interface RtmpMetrics {
  connectionOpened(): void;
  connectionClosed(): void;
  /** Bytes read from publishers' sockets. */
  bytesReceived(bytes: number): void;
  publish(result: PublishResult): void;
  /** A publish went live (+1) or ended (-1). */
  liveChanged(delta: 1 | -1): void;
}

/** Counts nothing (tests, tools). */
export const NO_RTMP_METRICS: RtmpMetrics = {
  connectionOpened: () => undefined,
  connectionClosed: () => undefined,
  bytesReceived: () => undefined,
  publish: () => undefined,
  liveChanged: () => undefined,
};

/** RTMP metrics registered in `registry` (Prometheus naming: base units, `_total` for counters). */
export function createRtmpMetrics(registry: Registry): RtmpMetrics {
  const registers = [registry];
  const connections = new Gauge({ name: 'onair_ingest_rtmp_connections', help: 'Open RTMP connections.', registers });
  const bytes = new Counter({
    name: 'onair_ingest_rtmp_received_bytes_total',
    help: 'Bytes received from RTMP publishers.',
    registers,
  });
  const publishes = new Counter({
    name: 'onair_ingest_publishes_total',
    help: 'RTMP publish requests by result.',
    labelNames: ['result'],
    registers,
  });
  const live = new Gauge({ name: 'onair_ingest_live_publishes', help: 'Publishes live now.', registers });
  for (const result of ['accepted', 'bad_stream_key', 'room_live', 'error'] satisfies PublishResult[])
    publishes.inc({ result }, 0);
  return {
    connectionOpened: () => connections.inc(),
    connectionClosed: () => connections.dec(),
    bytesReceived: (n) => bytes.inc(n),
    publish: (result) => publishes.inc({ result }),
    liveChanged: (delta) => live.inc(delta),
  };
}
