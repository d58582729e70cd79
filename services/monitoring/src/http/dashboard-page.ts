import { DASHBOARD_SCRIPT } from './dashboard-script.js';

const STYLE = `
:root { color-scheme: light dark; --bg: #f5f6f8; --card: #fff; --text: #1d2330; --muted: #6b7385; --line: #e3e6ec;
  --ok: #1b7f3b; --ok-bg: #dcf3e3; --warn: #8a5a00; --warn-bg: #fdf0cf; --bad: #a61b1b; --bad-bg: #fbdcdc; }
@media (prefers-color-scheme: dark) { :root { --bg: #14171d; --card: #1c2029; --text: #e6e8ee; --muted: #9aa2b4; --line: #2c323e;
  --ok: #6fdc8c; --ok-bg: #16341f; --warn: #f5c451; --warn-bg: #3a2f12; --bad: #ff8a8a; --bad-bg: #3d1a1a; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { display: flex; align-items: baseline; gap: 16px; padding: 18px 28px; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { margin: 0; font-size: 20px; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 28px 40px; }
h2 { display: flex; align-items: baseline; gap: 12px; font-size: 16px; margin: 24px 0 10px; }
h3 { margin: 0; font-size: 17px; }
.muted, h2 span, #updated { color: var(--muted); font-weight: normal; font-size: 13px; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 9px 14px; border-bottom: 1px solid var(--line); vertical-align: middle; }
th, thead td { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; white-space: nowrap; }
tbody tr:last-child td { border-bottom: none; }
.name { font-weight: 600; white-space: nowrap; }
td:nth-child(-n+5) { white-space: nowrap; }
.badge { display: inline-block; padding: 2px 9px; border-radius: 999px; font-size: 11.5px; font-weight: 700; letter-spacing: .03em; }
.badge.serving { color: var(--ok); background: var(--ok-bg); }
.badge.not_serving { color: var(--warn); background: var(--warn-bg); }
.badge.unreachable { color: var(--bad); background: var(--bad-bg); }
.error { color: var(--bad); font-size: 12.5px; overflow-wrap: anywhere; }
#banner { margin: 16px 0 0; padding: 10px 14px; border-radius: 8px; color: var(--bad); background: var(--bad-bg); }
.stream { padding: 16px 18px; margin-bottom: 16px; }
.stream-head { display: flex; align-items: center; gap: 12px; margin-bottom: 14px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; margin-bottom: 14px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .label { color: var(--muted); font-size: 12px; }
.stream table { border: 1px solid var(--line); border-radius: 8px; border-collapse: separate; border-spacing: 0; }
.empty { color: var(--muted); padding: 18px; background: var(--card); border: 1px dashed var(--line); border-radius: 10px; margin: 0; }
`;

/**
 * The ops dashboard: one self-contained HTML page (inline CSS and script, nothing fetched but
 * `/api/status`) showing every service's health, last seen and uptime, and every live stream's
 * renditions, bit rate, fps, resolution, viewers and danmaku/chat rates; it refreshes itself every 2 s.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Onair · monitoring</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Onair monitoring</h1><span id="updated">loading…</span></header>
<main>
<div id="banner" hidden></div>
<h2>Services <span id="services-summary"></span></h2>
<div class="card"><table>
<thead><tr><th>service</th><th>address</th><th>health</th><th>last seen</th><th>uptime</th><th>error</th></tr></thead>
<tbody id="services"></tbody>
</table></div>
<h2>Live streams <span id="streams-summary"></span></h2>
<div id="streams"></div>
</main>
<script type="module">${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
