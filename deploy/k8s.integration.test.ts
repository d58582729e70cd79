import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { render } from '../scripts/k8s/render.mjs';

// scripts/check-k8s.mjs as `npm run lint` runs it, on a copy of deploy/k8s; and its renderer against kubectl's
// kustomize where kubectl is installed (the project does not install it: Debian 12 has no package).

type Manifest = ReturnType<typeof render>['objects'][number];

const root = fileURLToPath(new URL('..', import.meta.url));
const onPath = (command: string): boolean =>
  spawnSync(command, ['version', '--client'], { stdio: 'ignore' }).status === 0;
const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

/** An object as the API server reads it: Secret data decoded (kubectl wraps its base64 lines), keys sorted. */
function normalized(o: Manifest): string {
  const data = o.kind === 'Secret' ? { ...o, data: decoded((o.data ?? {}) as Record<string, string>) } : o;
  return JSON.stringify(data, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v,
  );
}
const decoded = (data: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('latin1')]));

describe('deploy/k8s', () => {
  let copy: string;
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'k8s-'));
    cpSync(join(root, 'deploy/k8s'), copy, { recursive: true });
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  const check = () => spawnSync('node', [join(root, 'scripts/check-k8s.mjs'), copy], { encoding: 'utf8' });

  it('passes check-k8s as it is, and fails it with a broken manifest', () => {
    const ok = check();
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/overlays\/production: ok \(41 objects/);

    const file = join(copy, 'base/relay-edge.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('value: relay-origin:50052', 'value: http://relay-origin:50052'));
    const broken = check();
    writeFileSync(file, text);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(
      /Deployment\/relay-edge: container relay: relay would refuse to start: RELAY_UPSTREAM/,
    );
  });

  it.skipIf(!onPath('kubectl') || !hasOpenssl)('renders what kubectl kustomize renders', () => {
    execFileSync('bash', [join(copy, 'make-secrets.sh')], { stdio: 'ignore' });
    for (const dir of ['base', 'overlays/production']) {
      const ours = render(join(copy, dir)).objects;
      const yaml = execFileSync('kubectl', ['kustomize', join(copy, dir)], { encoding: 'utf8' });
      const theirs = parseAllDocuments(yaml).map((d) => d.toJS() as Manifest);
      expect(ours.map(normalized)).toEqual(theirs.map(normalized));
    }
  });
});
