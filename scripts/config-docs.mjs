#!/usr/bin/env node
// Writes every service's configuration table, from the `configSpec` its config.ts exports, into the root README
// (between the config-tables markers) and into services/<name>/README.md (between the config-table markers),
// so the docs cannot drift from the code. `--check` only compares and exits 1 when a README is stale.
// Needs `npm run build` first.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeConfig } from '@onair/runtime';

const ROOT = new URL('..', import.meta.url).pathname;
const SERVICES = ['ingest', 'relay', 'danmaku', 'chat', 'monitoring'];
const CHECK = process.argv.includes('--check');

/** Replaces what stands between `start` and `end` in a file; returns false when the file was stale. */
function updateBetween(path, start, end, body) {
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${path} lacks the ${start} … ${end} markers`);
  const next = `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
  if (next === text) return true;
  if (!CHECK) writeFileSync(path, next);
  return false;
}

const sections = [];
let fresh = true;
for (const svc of SERVICES) {
  const { configSpec } = await import(join(ROOT, `services/${svc}/dist/config.js`));
  if (!configSpec) throw new Error(`services/${svc}/src/config.ts does not export configSpec`);
  const table = describeConfig(configSpec);
  sections.push(`### ${svc}\n\n${table}`);
  const readme = join(ROOT, `services/${svc}/README.md`);
  fresh = updateBetween(readme, '<!-- config-table:start -->', '<!-- config-table:end -->', table) && fresh;
}
const root = join(ROOT, 'README.md');
const body = `\n${sections.join('\n\n')}\n`;
fresh = updateBetween(root, '<!-- config-tables:start -->', '<!-- config-tables:end -->', body) && fresh;
if (CHECK && !fresh) {
  console.error('configuration tables in the READMEs are stale: run `npm run docs:config`');
  process.exit(1);
}
