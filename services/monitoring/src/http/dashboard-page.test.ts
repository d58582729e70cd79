import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDashboardPage } from './dashboard-page.js';

describe('loadDashboardPage', () => {
  it('inlines public/dashboard.css and public/dashboard.js into public/index.html', () => {
    const page = loadDashboardPage();
    expect(page).toMatch(/<style>\n:root \{/);
    expect(page).toContain("fetch('/api/status'");
    expect(page).not.toMatch(/<link rel="stylesheet"|<script[^>]* src=/);
  });

  it('names an empty icon, so a browser does not ask for /favicon.ico', () => {
    expect(loadDashboardPage()).toContain('<link rel="icon" href="data:," />');
  });

  it('refuses a page that no longer links its stylesheet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-dashboard-'));
    writeFileSync(join(dir, 'index.html'), '<html></html>');
    writeFileSync(join(dir, 'dashboard.css'), '');
    writeFileSync(join(dir, 'dashboard.js'), '');
    expect(() => loadDashboardPage(pathToFileURL(`${dir}/`))).toThrow(/lacks <link rel="stylesheet"/);
  });
});
