import { readFileSync } from 'node:fs';

/** Where the dashboard's page and stylesheet are: `services/monitoring/public/`, beside `src/` and `dist/`. */
export const PUBLIC_DIR = new URL('../../public/', import.meta.url);

/** Where `npm run build` puts the dashboard's script, bundled by esbuild from `public/dashboard.ts`. */
export const BUNDLE_DIR = new URL('../../dist/public/', import.meta.url);

/**
 * The dashboard's Content-Security-Policy (CSP Level 3): nothing but this origin's own script, stylesheet, images
 * (and `data:` ones) and connections; no inline script or style, no plugins, no `<base>`, no framing, no forms.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** One file of the dashboard, read once at start. */
export interface DashboardFile {
  /** `content-type` it is served with. */
  type: string;
  body: Buffer;
}

/** The dashboard's files by the path they are served at. */
export type DashboardFiles = ReadonlyMap<string, DashboardFile>;

/**
 * Reads the dashboard's files: `/` is `public/index.html`, `/dashboard.css` is `public/dashboard.css`,
 * `/dashboard.js` is the esbuild bundle of `public/dashboard.ts` in `dist/public/`.
 * @throws Error naming the missing file (the bundle is missing until `npm run build`).
 */
export function loadDashboardFiles(publicDir: URL = PUBLIC_DIR, bundleDir: URL = BUNDLE_DIR): DashboardFiles {
  const read = (dir: URL, name: string): Buffer => {
    try {
      return readFileSync(new URL(name, dir));
    } catch (err) {
      throw new Error(`dashboard file ${new URL(name, dir).pathname} is missing (run \`npm run build\`)`, {
        cause: err,
      });
    }
  };
  return new Map([
    ['/', { type: 'text/html; charset=utf-8', body: read(publicDir, 'index.html') }],
    ['/dashboard.css', { type: 'text/css; charset=utf-8', body: read(publicDir, 'dashboard.css') }],
    ['/dashboard.js', { type: 'text/javascript; charset=utf-8', body: read(bundleDir, 'dashboard.js') }],
  ]);
}
