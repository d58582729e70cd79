import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { issueToken } from '@onair/realtime';
import { startNats, startProcess, waitFor } from '@onair/testing';
import { onCleanup } from '../ll-hls/cleanup.mjs';
import { pinToCpu } from '../ll-hls/proc.mjs';
import { readCounters } from './prometheus.mjs';

/** The Node.js options chat ships with (its package.json's `onair.nodeArgs`, none today). */
export const CHAT_NODE_ARGS =
  JSON.parse(readFileSync(new URL('../../services/chat/package.json', import.meta.url), 'utf8')).onair?.nodeArgs ?? [];

const CHAT_MAIN = fileURLToPath(new URL('../../services/chat/dist/main.js', import.meta.url));

/**
 * Starts one chat instance from its dist/ with the Node.js options it ships with and `extraNodeArgs` (a profiler),
 * and waits for its `{"msg":"started"}` log line (as @onair/testing's startService, which takes no extra options).
 * @returns {Promise<{ proc: import('@onair/testing').TestProcess, started: Record<string, unknown>, logs: () =>
 *   Array<Record<string, unknown>> }>}
 * @throws Error with its output when it exits or does not start within 30 s.
 */
async function startChat(env, extraNodeArgs) {
  const proc = startProcess(process.execPath, [...CHAT_NODE_ARGS, ...extraNodeArgs, CHAT_MAIN], env);
  const logs = () =>
    proc
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
  try {
    const started = await waitFor(
      () => {
        if (proc.child.exitCode !== null) throw new Error('chat exited');
        return logs().find((entry) => entry.msg === 'started');
      },
      { timeoutMs: 30_000, what: 'chat to start' },
    );
    return { proc, started, logs };
  } catch (err) {
    await proc.stop();
    throw new Error(`chat did not start: ${String(err)}\n${proc.output()}`, { cause: err });
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
 * @typedef {object} ChatInstance
 * @property {string} name "chat-1", "chat-2", …
 * @property {number} pid
 * @property {string} wsUrl "ws://127.0.0.1:<httpPort>/ws"
 * @property {string} healthUrl "http://127.0.0.1:<httpPort>/healthz"
 * @property {() => Promise<Record<keyof typeof COUNTERS, number>>} counters the instance's realtime counters now
 *   (each summed over its labels).
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
 * Starts nats-server with JetStream and `instances` chat services from services/chat/dist/main.js on loopback
 * ports each binds itself, every thread of every instance pinned to `cpu` (`taskset -a -p`), nats-server's to
 * `natsCpu` (the same CPU unless told). The instances share one
 * random JWT secret (CHAT_JWT_SECRET) and take `env` besides (the rate limits). With `cpuProfileDir`, each instance
 * runs with `--cpu-prof` and writes its V8 CPU profile there when it stops.
 * @param {{ instances: number, cpu: number, natsCpu?: number, env: Record<string, string>, cpuProfileDir?: string }}
 *   options
 * @returns {Promise<ChatStack>}
 * @throws Error with the failing service's output.
 */
export async function startChatStack({ instances, cpu, natsCpu = cpu, env, cpuProfileDir }) {
  const secret = randomBytes(32).toString('hex');
  const nats = await startNats();
  const stops = [onCleanup(() => nats.stop())];
  pinToCpu(nats.process.child.pid, natsCpu);
  const started = [];
  try {
    for (let i = 1; i <= instances; i++) {
      const service = await startChat(
        {
          CHAT_HOST: '127.0.0.1',
          CHAT_HTTP_PORT: '0',
          CHAT_GRPC_PORT: '0',
          CHAT_NATS_URL: nats.url,
          CHAT_JWT_SECRET: secret,
          CHAT_LOG_LEVEL: 'info',
          ...env,
        },
        cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [],
      );
      stops.push(onCleanup(() => service.proc.stop(15_000)));
      pinToCpu(service.proc.child.pid, cpu);
      started.push({ name: `chat-${i}`, service });
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
        counters: async () => {
          const values = await readCounters(metricsUrl, Object.values(COUNTERS));
          return Object.fromEntries(Object.entries(COUNTERS).map(([key, series]) => [key, values.get(series) ?? 0]));
        },
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
