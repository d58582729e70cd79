import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startProcess } from '@onair/testing';
import { onCleanup } from '../ll-hls/cleanup.mjs';
import { raiseFileLimit } from '../ll-hls/proc.mjs';

const CLIENT_SCRIPT = fileURLToPath(new URL('load-client.mjs', import.meta.url));
/** Bound on any answer of the load process but `open`, ms. */
const ANSWER_TIMEOUT_MS = 10_000;
/** Bound on opening every socket, ms. */
const OPEN_TIMEOUT_MS = 300_000;

/**
 * @typedef {object} LoadStatus what load-client.mjs counted so far (its `status()`).
 * @property {number} open sockets open.
 * @property {Record<string, number>} sent posts sent, by phase tag.
 * @property {Record<string, number>} received bench messages delivered, by phase tag, every socket together.
 * @property {Record<string, number>} errors error frames, by "code (message)".
 * @property {Record<string, number>} closes sockets the server closed after their welcome, by close code.
 * @property {number} orderViolations live frames whose seq was not above the socket's previous one.
 * @property {number} skippedPosts posts not sent because their socket had closed.
 * @property {import('./latency-histogram.mjs').LatencySummary} latency receive − send of phase `m`, every
 *   (socket, message) delivery.
 * @property {import('./latency-histogram.mjs').LatencySummary} sendLag how late paced posts of phase `m` were sent.
 * @property {number[]} measured per socket, messages of phase `m` received.
 * @property {number[]} live per socket, bench messages received, any phase.
 * @property {number} outstanding flood posts not yet back.
 * @property {{ activeMs: number, idleMs: number }} eventLoop the process's event loop so far
 *   (performance.eventLoopUtilization()).
 */

/**
 * @typedef {object} Load
 * @property {number} pid
 * @property {(sockets: Array<{ url: string, token: string }>) => Promise<{ open: number, failed: string[] }>} open
 * @property {(rate: number, phase: string) => Promise<void>} pace see load-client.mjs.
 * @property {(posters: number[], window: number, phase: string) => Promise<void>} flood see load-client.mjs.
 * @property {(receivers?: number) => Promise<LoadStatus>} status the counts so far; `receivers`: sockets each
 *   measured post is to reach, the latency quantiles being over that many deliveries of each (undefined: over those
 *   that arrived).
 * @property {() => Promise<void>} stop ends the process (every socket with it).
 */

/**
 * @typedef {object} LineProcess a Node script answering one JSON line on stdout per JSON command line on stdin.
 * @property {number} pid
 * @property {(command: { op: string }, timeoutMs?: number) => Promise<Record<string, unknown>>} ask writes
 *   `command` and resolves to the next answer line (commands are answered in order); rejects when no answer came
 *   within `timeoutMs` (10 s unless told) or the process exited.
 * @property {() => Promise<void>} stop ends the process.
 */

/**
 * Starts a Node script pinned to `cpu` (`taskset -c`) with its open-files limit raised to the hard limit; with
 * `cpuProfileDir`, under `--cpu-prof`, writing its profile there when it stops. It is driven over stdin/stdout as
 * load-client.mjs is: one JSON command a line in, one JSON answer a line out (lines not starting with `{` are
 * ignored).
 * @param {string} script path of the script.
 * @param {{ cpu: number, cpuProfileDir?: string, args?: string[] }} options args: the script's arguments.
 * @returns {LineProcess}
 */
export function startLineProcess(script, { cpu, cpuProfileDir, args = [] }) {
  const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const proc = startProcess('taskset', ['-c', String(cpu), process.execPath, ...profile, script, ...args]);
  raiseFileLimit(proc.child.pid);
  const stop = onCleanup(() => proc.stop());
  const waiting = [];
  createInterface({ input: proc.child.stdout }).on('line', (line) => {
    if (line.startsWith('{')) waiting.shift()?.resolve(JSON.parse(line));
  });
  void proc.exited.then((code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`the load process exited (${code}):\n${proc.output()}`));
  });
  const ask = (command, timeoutMs = ANSWER_TIMEOUT_MS) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the load process did not answer ${command.op}`)), timeoutMs);
      waiting.push({
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject,
      });
      proc.child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  return { pid: proc.child.pid, ask, stop };
}

/**
 * Starts load-client.mjs pinned to `cpu` (see {@link startLineProcess}).
 * @param {{ cpu: number, cpuProfileDir?: string }} options
 * @returns {Load}
 */
export function startLoad(options) {
  const { pid, ask, stop } = startLineProcess(CLIENT_SCRIPT, options);
  return {
    pid,
    open: (sockets) => ask({ op: 'open', sockets, concurrency: 50 }, OPEN_TIMEOUT_MS),
    pace: async (rate, phase) => void (await ask({ op: 'pace', rate, phase })),
    flood: async (posters, window, phase) => void (await ask({ op: 'flood', posters, window, phase })),
    status: (receivers) => ask({ op: 'status', receivers }),
    stop,
  };
}
