import { execFile, execFileSync, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { startProcess, waitFor } from '@onair/testing';
import { onCleanup } from '../ll-hls/cleanup.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const SERVER = 'bench/grpc-hops/hop-server.mjs';
const CLIENT = 'bench/grpc-hops/hop-client.mjs';
/** The image the services' Dockerfile starts from; only its Debian userland is used (Node comes from the host). */
export const IMAGE = 'node:26-bookworm-slim';
/** The host's node, mounted into the containers, so that both environments run the same Node. */
const NODE_IN_CONTAINER = '/usr/local/bin/node-host';
const CONTAINER_PORT = 50051;
/** The receive window of the second loopback run of the parts, bytes: room for the largest part at once. */
export const RAISED_WINDOW = 1 << 20;
/** Rounds the loopback messages are spread over, the raised-window parts taking their turn in each. */
const LOOPBACK_ROUNDS = 3;

/** Appends every list of `more` to the one of the same key in `into`. */
function append(into, more) {
  for (const [key, times] of Object.entries(more)) into[key] = [...(into[key] ?? []), ...times];
}

/**
 * Pauses between a message's arrival and the next one's sending of the idle-gap runs, ms: back to back, a busy
 * stream, the default, a quiet one and one part of a rendition (1/3 s).
 */
const IDLE_GAPS_MS = [0, 1, 10, 100, 333];

/**
 * @typedef {Record<string, number[]>} OneWayTimes per "<kind>/<format>" (kind: part-20000…, danmaku, chat,
 *   telemetry; format: protobuf or JSON), the one-way time of every measured message, µs.
 *
 * @typedef {object} TransmissionResult
 * @property {OneWayTimes} loopback server and client processes on this host, over 127.0.0.1.
 * @property {OneWayTimes} loopbackWindow the parts again, the client's HTTP/2 receive window raised to
 *   {@link RAISED_WINDOW} bytes (grpc-js's `grpc-node.flow_control_window`).
 * @property {{ gapMs: number, times: number[] }[]} idleGaps the danmaku (protobuf) on loopback again, sent
 *   `gapMs` after the one before arrived: how T depends on how long the receiver was idle.
 * @property {OneWayTimes | undefined} containers server and client in two containers on Docker's default bridge.
 * @property {string | undefined} containersSkipped why there are no container figures.
 */

/** Client arguments from the options. */
const clientArgs = (target, { messages, warmUp, intervalMs }) => [
  CLIENT,
  ...['--target', target, '--messages', String(messages), '--warm-up', String(warmUp)],
  ...['--interval-ms', String(intervalMs)],
];

/** Runs a command to its end, its stderr passed through (progress); resolves to its stdout. */
function runToEnd(command, args, stopOnCleanup) {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = onCleanup(stopOnCleanup ?? (() => child.kill('SIGKILL')));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
    });
  }).finally(() => stop());
}

/** `taskset -c <cpu>` before a command when taskset is there. */
const pinned = (cpu, taskset) => (taskset ? ['taskset', '-c', String(cpu)] : []);

/**
 * Starts the hop server on CPU 0 of this host, runs `use` with a function that runs the hop client on CPU 1
 * against it over 127.0.0.1 (with the options' arguments and `extra` ones) and resolves to its results, then
 * stops the server.
 */
async function withLoopback(options, use) {
  const [command, ...args] = [...pinned(0, options.taskset), process.execPath, ROOT + SERVER, '--host', '127.0.0.1'];
  const server = startProcess(command, args);
  const stopServer = onCleanup(() => server.stop());
  try {
    const listening = () => /\{"port":(\d+)\}/.exec(server.output())?.[1];
    const port = await waitFor(listening, { timeoutMs: 20_000, what: 'the hop server' });
    const [clientCommand, ...prefix] = [...pinned(1, options.taskset), process.execPath];
    return await use(async (clientOptions, extra = []) => {
      const clientArgv = [...prefix, ...clientArgs(`127.0.0.1:${port}`, clientOptions), ...extra];
      return JSON.parse(await runToEnd(clientCommand, clientArgv));
    });
  } finally {
    await stopServer();
  }
}

const docker = promisify(execFile).bind(null, 'docker');

/** Why containers cannot be used here, or undefined when they can. */
export function containersUnavailable() {
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `docker cannot run here, or the image ${IMAGE} is missing (deploy/airgap/build-base-images.sh makes it)`;
  }
}

/** `docker run` arguments of one side: its CPU, the checkout read-only at /app, the host's node. */
const containerArgs = (name, cpu, detach = false) => [
  ...['run', ...(detach ? ['-d'] : []), '--rm', '--name', name, '--cpuset-cpus', String(cpu), '-w', '/app'],
  ...['-v', `${ROOT}:/app:ro`, '-v', `${process.execPath}:${NODE_IN_CONTAINER}:ro`, IMAGE, NODE_IN_CONTAINER],
];

/** Server container on CPU 0 and client container on CPU 1, on Docker's default bridge network. */
async function containers(options) {
  const tag = `onair-grpc-hops-${process.pid}`;
  const remove = (name) => docker(['rm', '-f', name]).catch(() => undefined);
  const stopServer = onCleanup(() => remove(`${tag}-server`));
  try {
    const serverArgs = [SERVER, '--host', '0.0.0.0', '--port', String(CONTAINER_PORT)];
    await docker([...containerArgs(`${tag}-server`, 0, true), ...serverArgs]);
    await waitFor(async () => (await docker(['logs', `${tag}-server`])).stdout.includes('"port"'), {
      timeoutMs: 30_000,
      what: 'the hop server container',
    });
    const { stdout } = await docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', `${tag}-server`]);
    const target = `${stdout.trim()}:${CONTAINER_PORT}`;
    const args = [...containerArgs(`${tag}-client`, 1), ...clientArgs(target, options)];
    return JSON.parse(await runToEnd('docker', args, () => remove(`${tag}-client`)));
  } finally {
    await stopServer();
    await sleep(100);
  }
}

/**
 * The one-way time of every message of the bench (hop-client.mjs), first between two processes of this host over
 * loopback, then, with `containers`, between two containers on Docker's default bridge: server on CPU 0, client on
 * CPU 1 both times.
 * @param {{ messages: number, warmUp: number, intervalMs: number, containers: boolean, taskset: boolean,
 *   log: (msg: string) => void }} options
 * @returns {Promise<TransmissionResult>}
 */
export async function measureTransmission(options) {
  const result = { containers: undefined, containersSkipped: undefined, idleGaps: [] };
  await withLoopback(options, async (client) => {
    // The default and the raised window take turns, so that a disturbance falls on both alike.
    const round = { ...options, messages: Math.ceil(options.messages / LOOPBACK_ROUNDS) };
    const raised = ['--only', 'parts', '--flow-control-window', `${RAISED_WINDOW}`];
    result.loopback = {};
    result.loopbackWindow = {};
    for (let i = 1; i <= LOOPBACK_ROUNDS; i++) {
      options.log(`transmission: loopback, round ${i} of ${LOOPBACK_ROUNDS}: every message, then the parts again`);
      append(result.loopback, await client(round));
      append(result.loopbackWindow, await client(round, raised));
    }
    for (const gapMs of IDLE_GAPS_MS) {
      options.log(`transmission: loopback, danmaku ${gapMs} ms after the one before arrived`);
      const messages = gapMs >= 100 ? 50 : options.messages;
      const gap = { ...options, messages, warmUp: Math.min(options.warmUp, 10), intervalMs: gapMs };
      const times = await client(gap, ['--only', 'danmaku', '--formats', 'protobuf']);
      result.idleGaps.push({ gapMs, times: times['danmaku/protobuf'] });
    }
  });
  if (!options.containers) result.containersSkipped = 'left out (--containers no)';
  else result.containersSkipped = containersUnavailable();
  if (result.containersSkipped === undefined) {
    options.log('transmission: two containers on the default bridge');
    result.containers = await containers(options);
  }
  return result;
}
