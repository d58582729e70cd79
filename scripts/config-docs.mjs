#!/usr/bin/env node
// Writes every service's configuration table into README.md between the config-tables markers, from the
// ConfigSpec each service's config.ts exports (so the README cannot drift from the code).
// `--check` only compares and exits 1 when the README is stale. Needs `npm run build` first.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeConfig } from '@onair/runtime';

const ROOT = new URL('..', import.meta.url).pathname;
const SERVICES = ['ingest', 'relay', 'danmaku', 'chat', 'monitoring'];
const START = '<!-- config-tables:start -->';
const END = '<!-- config-tables:end -->';

const isSpec = (value) =>
  typeof value === 'object' &&
  value !== null &&
  Object.values(value).length > 0 &&
  Object.values(value).every((f) => typeof f === 'object' && f !== null && 'env' in f && 'doc' in f && 'schema' in f);

const sections = [];
for (const svc of SERVICES) {
  const mod = await import(join(ROOT, `services/${svc}/dist/config.js`));
  const spec = Object.values(mod).find(isSpec);
  if (!spec) throw new Error(`services/${svc}/src/config.ts exports no ConfigSpec`);
  sections.push(`### ${svc}\n\n${describeConfig(spec)}`);
}

const readmePath = join(ROOT, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error('README.md lacks the config-tables markers');
const next = `${readme.slice(0, start + START.length)}\n\n${sections.join('\n\n')}\n\n${readme.slice(end)}`;
if (process.argv.includes('--check')) {
  if (next !== readme) {
    console.error('README.md configuration tables are stale: run `node scripts/config-docs.mjs`');
    process.exit(1);
  }
} else {
  writeFileSync(readmePath, next);
}
