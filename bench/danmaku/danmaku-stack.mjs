import { raiseFileLimit } from '../ll-hls/proc.mjs';
import { startRealtimeStack } from '../realtime/chat-stack.mjs';
import { readCounters } from '../realtime/prometheus.mjs';

/** CPU of the danmaku instances; nats-server and the load share the other. */
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;
/** The one room of the bench. */
export const ROOM = 'bench';

/**
 * What the bench sets besides the stack's own (loopback ports, NATS URL, JWT secret): per-connection limits the
 * posters stay under at any --rate (the most the configuration takes), density sampling off so every viewer is to get
 * every post (the texts are distinct, so merging removes nothing), and the per-user, per-room and duplicate limits
 * (`DANMAKU_USER_RATE_*`, `DANMAKU_ROOM_RATE_*`, `DANMAKU_DUPLICATE_WINDOW_MS`) out of the way where the service has
 * them. Merging stays at danmaku's default (on); the batch window is danmaku's (50 ms) unless the run names one.
 */
export const BENCH_ENV = {
  DANMAKU_RATE_PER_SEC: '10000',
  DANMAKU_RATE_BURST: '10000',
  DANMAKU_DENSITY_PER_SEC: '0',
  DANMAKU_USER_RATE_PER_SEC: '10000',
  DANMAKU_USER_RATE_BURST: '10000',
  DANMAKU_ROOM_RATE_PER_SEC: '10000',
  DANMAKU_ROOM_RATE_BURST: '10000',
  DANMAKU_DUPLICATE_WINDOW_MS: '0',
};

/** The /metrics series the bench reads (libs/realtime realtime-metrics.ts, prom-client's process metrics). */
export const SERIES = {
  accepted: 'onair_realtime_messages_accepted_total',
  rejected: 'onair_realtime_messages_rejected_total',
  deliveries: 'onair_realtime_fanout_deliveries_total',
  frames: 'onair_realtime_fanout_frames_total',
  merged: 'onair_realtime_fanout_merged_total',
  sampled: 'onair_realtime_fanout_sampled_total',
  dropped: 'onair_realtime_fanout_dropped_total',
  slowViewersClosed: 'onair_realtime_slow_viewers_closed_total',
};

/**
 * An instance's {@link SERIES} now, each summed over its labels; undefined when it did not answer within 60 s.
 * @param {import('../realtime/chat-stack.mjs').ChatInstance} instance
 * @returns {Promise<Record<keyof typeof SERIES, number> | undefined>}
 */
export async function readSeries(instance) {
  try {
    const values = await readCounters(instance.metricsUrl, Object.values(SERIES));
    return Object.fromEntries(Object.entries(SERIES).map(([key, name]) => [key, values.get(name) ?? 0]));
  } catch {
    return undefined;
  }
}

/**
 * nats-server (on {@link LOAD_CPU}) and `instances` danmaku instances from services/danmaku/dist/main.js, every
 * thread pinned to {@link SERVER_CPU}, with {@link BENCH_ENV}, each instance's open-files limit raised to the hard
 * limit (`prlimit`) so that it takes every socket.
 * @param {{ instances: number, cpuProfileDir?: string, nodeArgs?: string[], windowMs?: number }} options nodeArgs:
 *   further Node.js options of the instances (the inspector); windowMs: DANMAKU_BATCH_WINDOW_MS (unset: the default).
 * @returns {Promise<import('../realtime/chat-stack.mjs').ChatStack>}
 * @throws Error with the failing service's output.
 */
export async function startDanmakuStack({ instances, cpuProfileDir, nodeArgs, windowMs }) {
  const stack = await startRealtimeStack({
    service: 'danmaku',
    instances,
    cpu: SERVER_CPU,
    natsCpu: LOAD_CPU,
    env: windowMs === undefined ? BENCH_ENV : { ...BENCH_ENV, DANMAKU_BATCH_WINDOW_MS: String(windowMs) },
    cpuProfileDir,
    nodeArgs,
  });
  for (const instance of stack.instances) raiseFileLimit(instance.pid);
  return stack;
}

/** A progress line on stderr. */
export const log = (msg) => console.error(`[danmaku] ${msg}`);
