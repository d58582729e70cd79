import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`). */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** Wall clock now, ms since the epoch with sub-ms resolution (`performance.timeOrigin + performance.now()`). */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

/**
 * CPU time a process used so far, user + system, s (proc(5) /proc/<pid>/stat fields 14 utime and 15 stime).
 * @param {number} pid
 * @throws Error when the process is gone.
 */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * Resident set size of a process, bytes (VmRSS of /proc/<pid>/status, proc(5)).
 * @param {number} pid
 * @throws Error when the process is gone.
 */
export function rssBytes(pid) {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Pins every thread of a running process to one CPU (`taskset -a -p -c`); threads and children it starts later
 * inherit the affinity.
 * @param {number} pid
 * @param {number} cpu CPU number, 0-based.
 */
export function pinToCpu(pid, cpu) {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** The hard limit on open files of this process (`ulimit -Hn`), which any process may raise its soft limit to. */
export function hardFileLimit() {
  const value = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  return value === 'unlimited' ? 1_048_576 : Number(value);
}

/**
 * Raises a running process's soft limit on open files to the hard limit (`prlimit --pid <pid> --nofile=<hard>:`),
 * the way `ulimit -n` would have before it started.
 * @param {number} pid
 * @returns {number} the new soft limit.
 */
export function raiseFileLimit(pid) {
  const limit = hardFileLimit();
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limit}:`], { stdio: 'ignore' });
  return limit;
}
