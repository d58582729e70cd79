import { readFileSync } from 'node:fs';

/** Where the dashboard's files are: `services/monitoring/public/`, beside `src/` and `dist/`. */
export const PUBLIC_DIR = new URL('../../public/', import.meta.url);

/**
 * The ops dashboard as one self-contained HTML page, read once at start from `public/index.html` with the
 * stylesheet (`dashboard.css`) and module script (`dashboard.js`) it links put inline, so a browser fetches nothing
 * but the page and `/api/status`. The page shows every service's health, last seen and uptime, and every live
 * stream's renditions, bit rate, fps, resolution, viewers and danmaku/chat rates; it refreshes itself every 2 s.
 * @throws Error when a file is missing or the page no longer links the stylesheet or the script.
 */
export function loadDashboardPage(dir: URL = PUBLIC_DIR): string {
  const read = (name: string): string => readFileSync(new URL(name, dir), 'utf8');
  const inline = (page: string, tag: string, replacement: string): string => {
    if (!page.includes(tag)) throw new Error(`public/index.html lacks ${tag}`);
    return page.replace(tag, () => replacement);
  };
  const withStyle = inline(
    read('index.html'),
    '<link rel="stylesheet" href="dashboard.css" />',
    `<style>\n${read('dashboard.css')}</style>`,
  );
  return inline(
    withStyle,
    '<script type="module" src="dashboard.js"></script>',
    `<script type="module">\n${read('dashboard.js')}</script>`,
  );
}
