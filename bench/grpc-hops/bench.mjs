import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describeMachine, loadAverage } from './machine.mjs';
import { measureMediaPath } from './media-path.mjs';
import {
  renderHeader,
  renderIdleGaps,
  renderMediaPath,
  renderSerialisation,
  renderTransmission,
  renderWindow,
} from './report.mjs';
import { measureSerialisation, timerOverheadUs } from './serialisation.mjs';
import { measureTransmission, RAISED_WINDOW } from './transmission.mjs';

export const log = (msg) => console.error(`[grpc-hops ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** The section of one part with the load averages before and after it appended. */
async function measured(part, run) {
  const before = loadAverage();
  const section = await run();
  return `${section}\n\nLoad average (1, 5, 15 min) before ${part}: ${before}; after: ${loadAverage()}.`;
}

/** Whether `taskset` (util-linux) can run here. */
function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Sets the CPUs every thread of this process may run on (`taskset -a -p -c`); later children inherit them. */
function setAffinity(cpus) {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}

/**
 * @typedef {object} BenchOptions
 * @property {Set<'serialisation' | 'transmission' | 'media-path'>} only the parts to run.
 * @property {number} iterations timed calls per message, format and operation (serialisation).
 * @property {number} warmUp untimed calls before them.
 * @property {number} messages one-way times measured per message and format (transmission).
 * @property {number} messageWarmUp messages sent before them.
 * @property {number} intervalMs pause between two messages, ms.
 * @property {boolean} containers whether to measure between two containers too.
 * @property {number} seconds measuring time of the media path.
 * @property {string} command the command line, for the report.
 */

/**
 * Runs the selected parts, in order, and renders the results as one Markdown section.
 * @param {BenchOptions} options
 * @returns {Promise<string>}
 */
export async function runBench(options) {
  const { only, iterations, warmUp, command } = options;
  const pinned = hasTaskset();
  const machine = describeMachine();
  const sections = [];
  let serialisation;
  if (only.has('serialisation')) {
    const section = await measured('serialisation', async () => {
      if (pinned) setAffinity('1');
      log(`serialisation: ${iterations} calls per message, format and operation`);
      const timerUs = timerOverheadUs();
      serialisation = measureSerialisation({ iterations, warmUp, log });
      if (pinned) setAffinity(`0-${availableParallelism() - 1}`);
      return renderSerialisation(serialisation, { iterations, warmUp, timerUs });
    });
    sections.push(section);
  }
  if (only.has('transmission')) {
    const { messages, messageWarmUp, intervalMs, containers } = options;
    const settings = { messages, warmUp: messageWarmUp, intervalMs };
    const section = await measured('transmission', async () => {
      const result = await measureTransmission({ ...settings, containers, taskset: pinned, log });
      return [
        renderTransmission(result, serialisation, settings),
        renderWindow(result, RAISED_WINDOW),
        renderIdleGaps(result),
      ].join('\n\n');
    });
    sections.push(section);
  }
  if (only.has('media-path')) {
    const section = await measured('the media path', async () => {
      log('media path: starting nats-server, ingest, origin and edge relays, ffmpeg');
      const result = await measureMediaPath({ seconds: options.seconds, log });
      return renderMediaPath(result, { seconds: options.seconds });
    });
    sections.push(section);
  }
  return [renderHeader(machine, { command, pinned }), ...sections].join('\n\n');
}
