import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, loadDashboardFiles, PUBLIC_DIR, type DashboardFiles } from './dashboard-page.js';

describe('loadDashboardFiles', () => {
  let files: DashboardFiles;

  /** Bundles public/dashboard.ts the way the package's `build` script does, into a directory of its own. */
  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'onair-dashboard-bundle-'));
    await build({
      entryPoints: [new URL('dashboard.ts', PUBLIC_DIR).pathname],
      bundle: true,
      format: 'esm',
      target: 'es2022',
      outfile: join(out, 'dashboard.js'),
      logLevel: 'silent',
    });
    files = loadDashboardFiles(PUBLIC_DIR, pathToFileURL(`${out}/`));
  });

  it('serves the page, its stylesheet and the bundle, which the page links as files', () => {
    expect([...files.keys()]).toEqual(['/', '/dashboard.css', '/dashboard.js']);
    const page = files.get('/')?.body.toString('utf8') ?? '';
    expect(page).toContain('<link rel="stylesheet" href="dashboard.css" />');
    expect(page).toContain('<script type="module" src="dashboard.js"></script>');
    expect(page).not.toMatch(/<script>|<style>|\son[a-z]+=/i);
    expect(files.get('/dashboard.js')?.body.toString('utf8')).toContain('/api/events');
  });

  it('names an inline icon, so a browser does not ask for /favicon.ico', () => {
    expect(files.get('/')?.body.toString('utf8')).toMatch(/<link\s+rel="icon"\s+href="data:image\/svg\+xml,/);
  });

  it('names a missing bundle and how to make it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-dashboard-'));
    writeFileSync(join(dir, 'index.html'), '<html></html>');
    writeFileSync(join(dir, 'dashboard.css'), '');
    expect(() => loadDashboardFiles(pathToFileURL(`${dir}/`), pathToFileURL(`${dir}/none/`))).toThrow(
      /dashboard\.js is missing \(run `npm run build`\)/,
    );
  });
});

describe('DASHBOARD_CSP', () => {
  it('allows no inline script or style and nothing from another origin', () => {
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).toContain("style-src 'self'");
    expect(DASHBOARD_CSP).toContain("img-src 'self' data:");
    expect(DASHBOARD_CSP).toContain("connect-src 'self'");
    expect(DASHBOARD_CSP).toContain("object-src 'none'");
    expect(DASHBOARD_CSP).toContain("base-uri 'none'");
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
    expect(DASHBOARD_CSP).not.toMatch(/unsafe|\*|https?:/);
  });
});
