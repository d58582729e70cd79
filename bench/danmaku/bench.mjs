import { describeMachine } from '../realtime/machine.mjs';
import { LOAD_CPU } from './danmaku-stack.mjs';
import { steerLoopbackReceive } from './loopback-rps.mjs';
import { measureFanout } from './fanout.mjs';
import { measureIdleMemory } from './idle-memory.mjs';
import { renderResults } from './report.mjs';

/**
 * @typedef {object} BenchOptions
 * @property {string} command the command line, for the report.
 * @property {Set<string>} only parts to run: "fanout", "memory".
 * @property {number[]} instances fan-out setups to run: 1 (one instance), 2 (two behind NATS).
 * @property {number} sockets viewers of the fan-out part.
 * @property {number} samples of which sample viewers.
 * @property {number} rate posts per second in all.
 * @property {number | undefined} windowMs danmaku's batch window, ms (unset: its default).
 * @property {number} posters posting sockets.
 * @property {number} seconds measured window, s.
 * @property {number} warmUpS warm-up before it, s.
 * @property {number} drainS longest wait for the measured posts after it, s.
 * @property {number} loadProcesses load processes sharing the load CPU.
 * @property {number} idleSockets sockets of the memory part.
 * @property {boolean} heapSummary whether the memory part also sums heap snapshots by kind of object.
 * @property {string | undefined} cpuProfileDir where the danmaku instances and the load write CPU profiles.
 * @property {boolean} loopbackRps whether loopback's receive work is steered to the load's CPU (loopback-rps.mjs).
 */

/**
 * Runs the fan-out part for each instance count, then the idle-memory part, each on a fresh stack, and renders the
 * results.
 * @param {BenchOptions} options
 * @returns {Promise<string>} the results as a Markdown section.
 */
export async function runBench(options) {
  const machine = describeMachine();
  if (options.loopbackRps) steerLoopbackReceive(LOAD_CPU);
  const fanout = [];
  if (options.only.has('fanout')) {
    for (const instances of options.instances) fanout.push(await measureFanout({ ...options, instances }));
  }
  const memory = options.only.has('memory')
    ? await measureIdleMemory({
        sockets: options.idleSockets,
        loadProcesses: options.loadProcesses,
        heapSummary: options.heapSummary,
      })
    : undefined;
  return renderResults({ machine, command: options.command, fanout, memory, loopbackRps: options.loopbackRps });
}
