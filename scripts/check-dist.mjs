#!/usr/bin/env node
// Fails when a built package that ships (proto, libs/* but libs/testing, services/*) holds test code: a compiled
// test (*.test.*), a compiled test helper (a testing/ folder), or a module importing vitest or @onair/testing.
// Tests and their helpers are left out by each package's tsconfig.build.json; this keeps it so. Needs a build first.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const SHIPPED = [
  'proto',
  ...readdirSync(join(ROOT, 'libs'))
    .filter((name) => name !== 'testing')
    .map((name) => `libs/${name}`),
  ...readdirSync(join(ROOT, 'services')).map((name) => `services/${name}`),
];
const TEST_IMPORT = /(?:from\s*|import\s*\(\s*|require\s*\(\s*)['"](?:vitest|@onair\/testing)(?:\/[^'"]*)?['"]/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

const problems = [];
for (const pkg of SHIPPED) {
  const dist = join(ROOT, pkg, 'dist');
  let found;
  try {
    found = [...files(dist)];
  } catch {
    problems.push(`${pkg}/dist is missing: run \`npm run build\` first`);
    continue;
  }
  for (const path of found) {
    const rel = relative(ROOT, path);
    if (/\.test\./.test(path) || `/${relative(dist, path)}`.includes('/testing/')) problems.push(`${rel}: test code`);
    else if (path.endsWith('.js') && TEST_IMPORT.test(readFileSync(path, 'utf8')))
      problems.push(`${rel}: imports vitest or @onair/testing`);
  }
}
if (problems.length > 0) {
  console.error(`test code in what ships:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
