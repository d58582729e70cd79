import { describeMachine } from './machine.mjs';
import { measureLatency } from './latency.mjs';
import { renderResults } from './report.mjs';
import { measureThroughput, THROUGHPUT_SETUPS } from './throughput.mjs';

/**
 * @typedef {object} BenchOptions
 * @property {string} command the command line, for the report.
 * @property {Set<string>} only parts to run: "latency" and the ids of THROUGHPUT_SETUPS.
 * @property {number} viewers sockets of the latency part.
 * @property {number[]} rates posts per second of the latency part, one run each.
 * @property {number} seconds measured window of the latency part, s.
 * @property {number} warmUpS warm-up before each measured window, s.
 * @property {number} drainS longest wait for the measured messages after the latency window, s.
 * @property {number} throughputSeconds measured window of each throughput setup, s.
 * @property {number} postersPerInstance posting sockets per instance in the throughput part.
 * @property {number} window posts each of them keeps outstanding.
 * @property {string | undefined} cpuProfileDir where the chat instances and the load write CPU profiles.
 */

/**
 * Runs the latency part at each rate, then each throughput setup, each on a fresh stack, and renders the results.
 * @param {BenchOptions} options
 * @returns {Promise<string>} the results as a Markdown section.
 */
export async function runBench(options) {
  const machine = describeMachine();
  const { viewers, seconds, warmUpS, drainS, cpuProfileDir } = options;
  const latency = [];
  if (options.only.has('latency')) {
    for (const rate of options.rates) {
      latency.push(await measureLatency({ viewers, rate, seconds, warmUpS, drainS, cpuProfileDir }));
    }
  }
  const throughput = [];
  for (const setup of THROUGHPUT_SETUPS.filter((s) => options.only.has(s.id))) {
    throughput.push(
      await measureThroughput({
        setup,
        postersPerInstance: options.postersPerInstance,
        window: options.window,
        seconds: options.throughputSeconds,
        warmUpS,
        cpuProfileDir,
      }),
    );
  }
  return renderResults({ machine, run: { command: options.command }, latency, throughput });
}
