#!/usr/bin/env node
// Fails when a service's Node.js options disagree between the places that start it. A service's package.json names
// them in `onair.nodeArgs` (ingest's V8 heap sizing, see services/ingest/README.md); scripts/start.mjs (`npm start`)
// and @onair/testing read them from there, while its `start` script and its Dockerfile CMD spell them out: this keeps
// those two the same.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const dockerfile = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
const commands = dockerfile
  .split('\n')
  .filter((line) => line.startsWith('CMD ['))
  .map((line) => JSON.parse(line.slice('CMD '.length)));

const problems = [];
for (const service of readdirSync(join(ROOT, 'services'))) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'services', service, 'package.json'), 'utf8'));
  const nodeArgs = pkg.onair?.nodeArgs ?? [];
  const start = ['node', ...nodeArgs, 'dist/main.js'].join(' ');
  if (pkg.scripts?.start !== start) problems.push(`services/${service}/package.json: start should be "${start}"`);
  const main = `services/${service}/dist/main.js`;
  const cmd = commands.find((c) => c.at(-1) === main);
  const expected = JSON.stringify(['node', ...nodeArgs, main]);
  if (cmd && JSON.stringify(cmd) !== expected) problems.push(`deploy/docker/Dockerfile: CMD should be ${expected}`);
  if (!cmd) problems.push(`deploy/docker/Dockerfile: no CMD starts ${main}`);
}
if (problems.length > 0) {
  console.error(
    `Node.js options differ between a service's package.json and how it is started:\n${problems.join('\n')}`,
  );
  process.exit(1);
}
