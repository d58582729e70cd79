import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds, rssBytes } from '../ll-hls/proc.mjs';

/** Interval of RSS and child-process samples during a window, ms. */
const SAMPLE_MS = 1000;

/**
 * Child processes of `pid` (`pgrep -P`).
 * @param {number} pid
 * @returns {number[]} none when it has no child.
 */
export function childPids(pid) {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches.
  }
}

/** A child's RSS, bytes; 0 when it exited between `pgrep` and the read (an ffmpeg restarting). */
function childRssBytes(pid) {
  try {
    return rssBytes(pid);
  } catch {
    return 0;
  }
}

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
 * @typedef {object} Window
 * @property {number} wallS length of the window, s.
 * @property {number} serverCpuS the server process's user + system CPU over the window, s.
 * @property {number[]} rssBytes the server process's RSS, sampled every second, bytes.
 * @property {number[]} childrenSeen every child process of the server seen in the samples (pids).
 * @property {number} childCpuS CPU over the window of the children alive at its start and its end, s.
 * @property {number[]} childRssBytes their RSS together, sampled every second, bytes.
 * @property {number | undefined} loadCpuS the publisher process's CPU over the window, s; undefined without one.
 * @property {number[]} cpuBusy each CPU's busy share over the window, every process together, 0..1 (/proc/stat).
 */

/**
 * Measures a server for `seconds`: its CPU (/proc/<pid>/stat utime + stime) and the publisher's when there is one,
 * the server's RSS and its children (`pgrep -P`) every second, with their CPU and RSS, and how busy each CPU was.
 * @param {{ pid: number, loadPid?: number, seconds: number }} options
 * @returns {Promise<Window>}
 * @throws Error when the server or the publisher process exits meanwhile.
 */
export async function measureWindow({ pid, loadPid, seconds }) {
  const children = childPids(pid);
  const start = {
    wall: performance.now(),
    server: cpuSeconds(pid),
    load: loadPid && cpuSeconds(loadPid),
    children: new Map(children.map((child) => [child, cpuSeconds(child)])),
    cpus: cpuTimes(),
  };
  const rss = [];
  const childRss = [];
  const seen = new Set(children);
  const deadline = start.wall + seconds * 1000;
  while (performance.now() < deadline) {
    await sleep(Math.min(SAMPLE_MS, deadline - performance.now()));
    rss.push(rssBytes(pid));
    const now = childPids(pid);
    for (const child of now) seen.add(child);
    childRss.push(now.reduce((sum, child) => sum + childRssBytes(child), 0));
  }
  const end = {
    wall: performance.now(),
    server: cpuSeconds(pid),
    load: loadPid && cpuSeconds(loadPid),
    cpus: cpuTimes(),
  };
  let childCpuS = 0;
  for (const child of childPids(pid)) {
    if (start.children.has(child)) childCpuS += cpuSeconds(child) - start.children.get(child);
  }
  return {
    wallS: (end.wall - start.wall) / 1000,
    serverCpuS: end.server - start.server,
    rssBytes: rss,
    childrenSeen: [...seen],
    childCpuS,
    childRssBytes: childRss,
    loadCpuS: loadPid && end.load - start.load,
    cpuBusy: end.cpus.map((t, i) => (t.busy - start.cpus[i].busy) / (t.total - start.cpus[i].total)),
  };
}
