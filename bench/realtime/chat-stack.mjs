import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { issueToken } from '@onair/realtime';
import { startNats, startProcess, waitFor } from '@onair/testing';
import { onCleanup } from '../ll-hls/cleanup.mjs';
import { pinToCpu } from '../ll-hls/proc.mjs';
import { readCounters } from './prometheus.mjs';

/**
 * The Node.js options a service ships with (its package.json's `onair.nodeArgs`).
 * @param {'chat' | 'danmaku'} service
 * @returns {string[]}
 */
export function serviceNodeArgs(service) {
  const pkg = new URL(`../../services/${service}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(pkg, 'utf8')).onair?.nodeArgs ?? [];
}

/** The Node.js options chat ships with (none today). */
export const CHAT_NODE_ARGS = serviceNodeArgs('chat');

/**
 * The post limits beyond a connection's own (per user, per room, duplicate texts) of the service with env prefix
 * `prefix`, off: the benches measure delivery under the per-connection limits they set (`<PREFIX>RATE_*`), as their
 * results before those limits existed did.
 * @param {string} prefix e.g. "CHAT_"
 * @returns {Record<string, string>}
 */
export function postLimitsOff(prefix) {
  return {
    [`${prefix}USER_RATE_PER_SEC`]: '0',
    [`${prefix}ROOM_RATE_PER_SEC`]: '0',
    [`${prefix}DUPLICATE_WINDOW_MS`]: '0',
  };
}

/**
 * Starts one chat or danmaku instance from its dist/ with the Node.js options it ships with and `extraNodeArgs` (a
 * profiler, the inspector), and waits for its `{"msg":"started"}` log line (as @onair/testing's startService, which
 * takes no extra options).
 * @param {'chat' | 'danmaku'} service
 * @returns {Promise<{ proc: import('@onair/testing').TestProcess, started: Record<string, unknown>, logs: () =>
 *   Array<Record<string, unknown>> }>}
 * @throws Error with its output when it exits or does not start within 30 s.
 */
async function startInstance(service, env, extraNodeArgs) {
  const main = fileURLToPath(new URL(`../../services/${service}/dist/main.js`, import.meta.url));
  const proc = startProcess(process.execPath, [...serviceNodeArgs(service), ...extraNodeArgs, main], env);
  const logs = () =>
    proc
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
  try {
    const started = await waitFor(
      () => {
        if (proc.child.exitCode !== null) throw new Error(`${service} exited`);
        return logs().find((entry) => entry.msg === 'started');
      },
      { timeoutMs: 30_000, what: `${service} to start` },
    );
    return { proc, started, logs };
  } catch (err) {
    await proc.stop();
    throw new Error(`${service} did not start: ${String(err)}\n${proc.output()}`, { cause: err });
  }
}

/** The /metrics counters the bench reads from each instance (libs/realtime/src/realtime-metrics.ts). */
export const COUNTERS = {
  accepted: 'onair_realtime_messages_accepted_total',
  rejected: 'onair_realtime_messages_rejected_total',
  deliveries: 'onair_realtime_fanout_deliveries_total',
  frames: 'onair_realtime_fanout_frames_total',
  slowViewersClosed: 'onair_realtime_slow_viewers_closed_total',
};

/**
 * @typedef {object} ChatInstance a chat or danmaku instance.
 * @property {string} name "chat-1", "chat-2", … ("danmaku-1", … for danmaku)
 * @property {number} pid
 * @property {string} wsUrl "ws://127.0.0.1:<httpPort>/ws"
 * @property {string} healthUrl "http://127.0.0.1:<httpPort>/healthz"
 * @property {string} metricsUrl "http://127.0.0.1:<httpPort>/metrics"
 * @property {() => Promise<Record<keyof typeof COUNTERS, number>>} counters the instance's realtime counters now
 *   (each summed over its labels).
 * @property {() => string} output everything it wrote to stdout and stderr so far.
 */

/**
 * @typedef {object} ChatStack
 * @property {number} natsPid
 * @property {ChatInstance[]} instances
 * @property {(userId: string) => Promise<string>} token a viewer token (HS256, role viewer, 1 h) the instances take.
 * @property {() => string[]} warnings the instances' log lines at warn level or above, as "<instance>: <msg>".
 * @property {() => Promise<void>} stop stops the instances, then nats-server.
 */

/**
 * Starts nats-server with JetStream and `instances` chat (or danmaku) services from services/<service>/dist/main.js
 * on loopback ports each binds itself, every thread of every instance pinned to `cpu` (`taskset -a -p`),
 * nats-server's to `natsCpu` (the same CPU unless told). The instances share one random JWT secret
 * (<PREFIX>JWT_SECRET), run with the post limits off ({@link postLimitsOff}) and take `env` besides (the rate
 * limits). With `cpuProfileDir`, each instance runs with
 * `--cpu-prof` and writes its V8 CPU profile there when it stops; `nodeArgs` are further Node.js options.
 * @param {{ service?: 'chat' | 'danmaku', instances: number, cpu: number, natsCpu?: number, env: Record<string,
 *   string>, cpuProfileDir?: string, nodeArgs?: string[] }} options service: @default 'chat'
 * @returns {Promise<ChatStack>}
 * @throws Error with the failing service's output.
 */
export async function startRealtimeStack({
  service = 'chat',
  instances,
  cpu,
  natsCpu = cpu,
  env,
  cpuProfileDir,
  nodeArgs = [],
}) {
  const secret = randomBytes(32).toString('hex');
  const prefix = `${service.toUpperCase()}_`;
  const nats = await startNats();
  const stops = [onCleanup(() => nats.stop())];
  pinToCpu(nats.process.child.pid, natsCpu);
  const started = [];
  try {
    for (let i = 1; i <= instances; i++) {
      const instance = await startInstance(
        service,
        {
          [`${prefix}HOST`]: '127.0.0.1',
          [`${prefix}HTTP_PORT`]: '0',
          [`${prefix}GRPC_PORT`]: '0',
          [`${prefix}NATS_URL`]: nats.url,
          [`${prefix}JWT_SECRET`]: secret,
          [`${prefix}LOG_LEVEL`]: 'info',
          ...postLimitsOff(prefix),
          ...env,
        },
        [...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []), ...nodeArgs],
      );
      stops.push(onCleanup(() => instance.proc.stop(15_000)));
      pinToCpu(instance.proc.child.pid, cpu);
      started.push({ name: `${service}-${i}`, service: instance });
    }
  } catch (err) {
    for (const stop of stops.reverse()) await stop();
    throw err;
  }
  return {
    natsPid: nats.process.child.pid,
    instances: started.map(({ name, service }) => {
      const httpPort = Number(service.started.httpPort);
      const metricsUrl = `http://127.0.0.1:${httpPort}/metrics`;
      return {
        name,
        pid: service.proc.child.pid,
        wsUrl: `ws://127.0.0.1:${httpPort}/ws`,
        healthUrl: `http://127.0.0.1:${httpPort}/healthz`,
        metricsUrl,
        counters: async () => {
          const values = await readCounters(metricsUrl, Object.values(COUNTERS));
          return Object.fromEntries(Object.entries(COUNTERS).map(([key, series]) => [key, values.get(series) ?? 0]));
        },
        output: () => service.proc.output(),
      };
    }),
    token: (userId) => issueToken(secret, { userId, name: userId, roles: ['viewer'] }, 3_600_000),
    warnings: () =>
      started.flatMap(({ name, service }) =>
        service
          .logs()
          .filter((entry) => entry.level >= 40)
          .map((entry) => `${name}: ${entry.msg}${entry.room ? ` (room ${entry.room})` : ''}`),
      ),
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

/**
 * {@link startRealtimeStack} of chat instances.
 * @param {{ instances: number, cpu: number, natsCpu?: number, env: Record<string, string>, cpuProfileDir?: string }}
 *   options
 * @returns {Promise<ChatStack>}
 */
export function startChatStack(options) {
  return startRealtimeStack({ ...options, service: 'chat' });
}
