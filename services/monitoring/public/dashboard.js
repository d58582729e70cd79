// The dashboard's browser script (ES2020, no dependencies): fetches `/api/status` every 2 s and renders services and
// live streams with DOM calls and `textContent` only, so no reported value is parsed as HTML.
const REFRESH_MS = 2000;
const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return m + ' min ' + (s % 60) + ' s';
  const h = Math.floor(m / 60);
  if (h < 48) return h + ' h ' + (m % 60) + ' min';
  return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
}

function ago(ms, now) {
  if (ms === null || ms === undefined) return 'never';
  const d = Math.max(0, now - ms);
  return d < 1000 ? 'just now' : duration(d) + ' ago';
}

function num(value, maxDigits) {
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: maxDigits });
}

function row(cells) {
  const tr = el('tr');
  for (const cell of cells) {
    const td = el('td');
    if (cell instanceof Node) td.append(cell);
    else td.textContent = cell;
    tr.append(td);
  }
  return tr;
}

function renderServices(services, now) {
  const body = $('services');
  body.replaceChildren();
  for (const s of services) {
    const name = el('div', 'name', s.name);
    if (s.instance) name.append(el('span', 'muted mono', ' ' + s.instance.slice(0, 8)));
    const health = el('span', 'badge ' + s.health.toLowerCase(), s.health.replace('_', ' '));
    const error = el('span', 'error', s.error || '');
    body.append(
      row([name, el('span', 'mono', s.address), health, ago(s.lastSeenMs, now), duration(s.uptimeMs), error]),
    );
  }
  const up = services.filter((s) => s.health === 'SERVING').length;
  $('services-summary').textContent = up + ' of ' + services.length + ' serving';
}

function tile(label, value) {
  const t = el('div', 'tile');
  t.append(el('div', 'value', value), el('div', 'label', label));
  return t;
}

function renderStream(s, now) {
  const card = el('section', 'card stream');
  const head = el('div', 'stream-head');
  head.append(
    el('h3', '', s.room),
    el('span', 'badge serving', 'LIVE'),
    el('span', 'muted', 'for ' + duration(now - s.publishStartedAtMs)),
  );
  const tiles = el('div', 'tiles');
  const total = s.renditions.reduce((sum, r) => sum + r.bitrateKbps, 0);
  tiles.append(
    tile('viewers', num(s.viewers, 0)),
    tile('kbit/s, all renditions', num(total, 0)),
    tile('danmaku / s', num(s.danmakuPerSecond, 1)),
    tile('chat / s', num(s.chatPerSecond, 1)),
    tile('danmaku sockets', num(s.danmakuSockets, 0)),
    tile('chat sockets', num(s.chatSockets, 0)),
  );
  const table = el('table');
  const thead = el('thead');
  thead.append(row(['rendition', 'resolution', 'fps', 'bitrate', 'codecs']));
  const tbody = el('tbody');
  for (const r of s.renditions) {
    const size = r.width && r.height ? r.width + '×' + r.height : 'audio';
    tbody.append(row([r.name, size, num(r.fps, 2), num(r.bitrateKbps, 0) + ' kbit/s', el('span', 'mono', r.codecs)]));
  }
  table.append(thead, tbody);
  card.append(head, tiles, table);
  return card;
}

function renderStreams(streams, now) {
  const box = $('streams');
  box.replaceChildren();
  if (streams.length === 0) box.append(el('p', 'empty', 'No live streams.'));
  for (const s of streams) box.append(renderStream(s, now));
  $('streams-summary').textContent = streams.length + ' live';
}

async function refresh() {
  try {
    const res = await fetch('/api/status', { cache: 'no-store', signal: AbortSignal.timeout(REFRESH_MS) });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const status = await res.json();
    renderServices(status.services, status.generatedAtMs);
    renderStreams(status.streams, status.generatedAtMs);
    $('updated').textContent = 'updated ' + new Date(status.generatedAtMs).toLocaleTimeString();
    $('banner').hidden = true;
  } catch (err) {
    $('banner').textContent = 'Cannot reach /api/status (' + err.message + '); retrying every 2 s.';
    $('banner').hidden = false;
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

refresh();
