#!/usr/bin/env node
// Writes the docs that are generated from the code, so they cannot drift from it:
// - every service's configuration table, from the `configSpec` its config.ts exports, into the root README
//   (between the config-tables markers) and into services/<name>/README.md (between the config-table markers);
// - the error catalogue (libs/runtime ERROR_CODES and CLOSE_CODES) into docs/errors.md (between the
//   error-tables markers).
// `--check` only compares and exits 1 when a file is stale. Needs `npm run build` first.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLOSE_CODES, ERROR_CODES, describeConfig } from '@onair/runtime';

const ROOT = new URL('..', import.meta.url).pathname;
const SERVICES = ['ingest', 'relay', 'danmaku', 'chat', 'monitoring'];
const CHECK = process.argv.includes('--check');
/** gRPC status names (grpc/doc/statuscodes.md) of the numbers the catalogue uses. */
const GRPC_NAMES = {
  3: 'INVALID_ARGUMENT',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

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

function errorTables() {
  const errors = Object.entries(ERROR_CODES).map(([code, e]) => {
    const grpc = GRPC_NAMES[e.grpc];
    if (!grpc) throw new Error(`no gRPC status name for ${e.grpc} (${code})`);
    return `| \`${code}\` | ${e.grpc} \`${grpc}\` | ${e.http} | ${e.doc} |`;
  });
  const closes = Object.entries(CLOSE_CODES).map(
    ([name, c]) =>
      `| ${c.code} | \`${name}\` | ${c.reason ? `\`${c.reason}\`` : '(none)'} | ${c.reconnect ? 'yes' : 'no'} | ${c.doc} |`,
  );
  return [
    '| code | gRPC status | HTTP status | when |',
    '| --- | --- | --- | --- |',
    ...errors,
    '',
    '| close code | name | reason | reconnect | when |',
    '| --- | --- | --- | --- | --- |',
    ...closes,
  ].join('\n');
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
const errors = join(ROOT, 'docs/errors.md');
fresh = updateBetween(errors, '<!-- error-tables:start -->', '<!-- error-tables:end -->', errorTables()) && fresh;
if (CHECK && !fresh) {
  console.error('generated docs are stale: run `npm run docs`');
  process.exit(1);
}
