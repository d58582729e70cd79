#!/usr/bin/env node
/**
 * Where a V8 CPU profile's time went: `node bench/realtime/cpu-profile-top.mjs <file.cpuprofile> [--top 25]` prints
 * the functions with the most self time and the most total time (self + callees, each function counted once per
 * stack), as % of the profile's samples, with their file and line. Profiles come from `run.mjs --cpu-prof <dir>`
 * (or any `node --cpu-prof`).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * @typedef {object} ProfileTop
 * @property {number} totalS time the samples cover, s.
 * @property {Array<{ name: string, pct: number }>} self
 * @property {Array<{ name: string, pct: number }>} total
 */

/** "function file:line", the file relative to node_modules or the checkout. */
function frameName({ functionName, url, lineNumber }) {
  const file = url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(services|libs|bench)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

/**
 * Reads a .cpuprofile (the Chrome DevTools Protocol Profiler.Profile: nodes with callFrame and children, samples and
 * timeDeltas) and ranks its functions by self and total time.
 * @param {string} file
 * @param {number} top how many of each.
 * @returns {ProfileTop}
 */
export function profileTop(file, top) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const selfUs = new Map();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    totalUs += dt;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  });
  const self = new Map();
  const total = new Map();
  for (const [id, us] of selfUs) {
    const name = frameName(nodes.get(id).callFrame);
    self.set(name, (self.get(name) ?? 0) + us);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parents.get(at)) {
      const caller = frameName(nodes.get(at).callFrame);
      if (seen.has(caller)) continue;
      seen.add(caller);
      total.set(caller, (total.get(caller) ?? 0) + us);
    }
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, pct: (100 * us) / totalUs }));
  return { totalS: totalUs / 1e6, self: rank(self), total: rank(total) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '25' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    console.error('usage: node bench/realtime/cpu-profile-top.mjs <file.cpuprofile> [--top N]');
    process.exit(2);
  }
  const { totalS, self, total } = profileTop(positionals[0], Number(values.top));
  const line = ({ name, pct }) => `${pct.toFixed(1).padStart(5)} %  ${name}`;
  console.log(`${totalS.toFixed(1)} s of samples\n\nself time:\n${self.map(line).join('\n')}`);
  console.log(`\ntotal time (self + callees):\n${total.map(line).join('\n')}`);
}
