import { readFileSync, writeFileSync } from 'node:fs';
import { onCleanup } from '../ll-hls/cleanup.mjs';

/** The loopback device's receive queue's RPS CPU mask (Linux Documentation/networking/scaling.rst, "RPS"). */
const RPS_CPUS = '/sys/class/net/lo/queues/rx-0/rps_cpus';

/**
 * Steers the receive half of loopback TCP to `cpu` for the rest of the run (Receive Packet Steering on `lo`), and
 * registers the old mask to be put back when the run ends or is stopped. Without it, a loopback write does the
 * receiving socket's TCP work too, on the writer's CPU; with it, that work runs on the load's CPU, as on a network,
 * where the viewers' machines do it.
 * @param {number} cpu
 * @returns {string} the mask before, hex.
 * @throws Error when the mask cannot be written (not root, or no such file).
 */
export function steerLoopbackReceive(cpu) {
  const before = readFileSync(RPS_CPUS, 'utf8').trim();
  writeFileSync(RPS_CPUS, (1 << cpu).toString(16));
  onCleanup(() => writeFileSync(RPS_CPUS, before));
  return before;
}
