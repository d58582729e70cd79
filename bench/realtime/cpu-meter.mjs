import { readFileSync } from 'node:fs';
import { cpuSeconds } from '../ll-hls/proc.mjs';

/** Busy and total jiffies of each CPU so far, from the `cpuN` lines of /proc/stat (proc(5)). */
function cpuTimes() {
  const times = [];
  for (const [, cpu, values] of readFileSync('/proc/stat', 'utf8').matchAll(/^cpu(\d+) (.+)$/gm)) {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = values.trim().split(/\s+/).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    times[Number(cpu)] = { busy, total: busy + idle + iowait };
  }
  return times;
}

/**
 * @typedef {object} CpuWindow
 * @property {number} wallS length of the window, s.
 * @property {Record<string, number>} pct each process's user + system CPU over the window, % of one core.
 * @property {number[]} busyPct each CPU's busy share over the window, every process together, % (/proc/stat).
 */

/**
 * Starts measuring the CPU of named processes (/proc/<pid>/stat utime + stime) and how busy each CPU is.
 * @param {Record<string, number>} pids name → pid.
 * @returns {() => CpuWindow} ends the window.
 * @throws Error when a process is gone (at the start or the end).
 */
export function startCpuWindow(pids) {
  const wall = performance.now();
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const cpus = cpuTimes();
  return () => {
    const wallS = (performance.now() - wall) / 1000;
    const pct = Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, (100 * (cpuSeconds(pid) - start[name])) / wallS]),
    );
    const busyPct = cpuTimes().map((t, i) => (100 * (t.busy - cpus[i].busy)) / (t.total - cpus[i].total));
    return { wallS, pct, busyPct };
  };
}
