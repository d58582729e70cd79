// The live streams: per room its record state, the admin buttons, a thumbnail, tiles with sparklines (viewers, bit rate, danmaku/s,
// chat/s), the renditions with their bit rate and fps sparklines, and the ingest's health of the publish.
import { adminControls } from './admin.js';
import { byId, duration, el, num, row } from './dom.js';
import type { SeriesStore } from './series-store.js';
import { sparkline } from './sparkline.js';
import type { IngestStatus, RecordState, RoomHistory, StreamReport } from '../src/status/status-types.js';
import type { Thumbnails } from './thumbnails.js';

function tile(label: string, value: string, spark?: SVGSVGElement): HTMLDivElement {
  const t = el('div', 'tile');
  t.append(el('div', 'value', value), el('div', 'label', label));
  if (spark) t.append(spark);
  return t;
}

/** A measured value beside the declared one, marked when they differ by more than 10 %. */
function versus(measured: number, declared: number, digits: number, unit: string): HTMLSpanElement {
  const text = `${num(measured, digits)} ${unit}`;
  if (declared === 0) return el('span', '', `${text} (none declared)`);
  const off = Math.abs(measured - declared) > declared * 0.1;
  return el('span', off ? 'off' : '', `${text} (declared ${num(declared, digits)})`);
}

function ingestTable(ingest: IngestStatus): HTMLDivElement {
  const box = el('div', 'ingest');
  const table = el('table');
  const thead = el('thead');
  thead.append(row(['keyframe interval', 'fps', 'bit rate', 'drift', 'late parts', 'reconnects']));
  const tbody = el('tbody');
  const keyframe = ingest.keyframeIntervalMs === 0 ? '—' : `${num(ingest.keyframeIntervalMs / 1000, 2)} s`;
  tbody.append(
    row([
      el('span', ingest.keyframeIntervalMs > 4000 ? 'off' : '', keyframe),
      versus(ingest.measuredFps, ingest.declaredFps, 2, 'fps'),
      versus(ingest.measuredBitrateKbps, ingest.declaredBitrateKbps, 0, 'kbit/s'),
      `${num(ingest.driftMs, 0)} ms`,
      num(ingest.lateParts, 0),
      num(ingest.reconnects, 0),
    ]),
  );
  table.append(thead, tbody);
  box.append(el('h4', '', 'Ingest'), table);
  return box;
}

function renditionsTable(s: StreamReport, history: RoomHistory): HTMLTableElement {
  const table = el('table', 'renditions');
  const thead = el('thead');
  thead.append(row(['rendition', 'resolution', 'viewers', '', 'fps', '', 'bit rate', '', 'codecs']));
  const tbody = el('tbody');
  for (const r of s.renditions) {
    const h = history.renditions.find((x) => x.name === r.name);
    const size = r.width && r.height ? `${r.width}×${r.height}` : 'audio';
    tbody.append(
      row([
        r.name,
        size,
        num(r.viewers, 0),
        sparkline(h?.viewers ?? [], `${r.name} viewers`),
        num(r.fps, 2),
        sparkline(h?.fps ?? [], `${r.name} fps`),
        `${num(r.bitrateKbps, 0)} kbit/s`,
        sparkline(h?.bitrateKbps ?? [], `${r.name} kbit/s`),
        el('span', 'mono', r.codecs),
      ]),
    );
  }
  table.append(thead, tbody);
  return table;
}

/** Whether the current publish is recorded and whether the next one will be; "record: unknown" until ingest answered. */
function recordBadge(record: RecordState | null): HTMLSpanElement {
  if (record === null) return el('span', 'muted record-state', 'record: unknown');
  const now = record.recording ? 'recording this publish' : 'not recording this publish';
  const box = el('span', 'record-state');
  box.dataset.recording = String(record.recording);
  box.dataset.next = String(record.next);
  box.append(
    el('span', `badge ${record.recording ? 'recording' : 'not_serving'}`, record.recording ? 'REC' : 'not recorded'),
    el('span', 'muted', ` ${now}; next publish: record ${record.next ? 'on' : 'off'}`),
  );
  return box;
}

function renderStream(s: StreamReport, nowMs: number, series: SeriesStore, thumbnails: Thumbnails): HTMLElement {
  const card = el('section', 'card stream');
  card.dataset.room = s.room;
  const head = el('div', 'stream-head');
  head.append(
    el('h3', '', s.room),
    el('span', 'badge serving', 'LIVE'),
    el('span', 'muted', `for ${duration(nowMs - s.publishStartedAtMs)}`),
    recordBadge(s.record),
  );
  const history = series.room(s.room);
  const total = s.renditions.reduce((sum, r) => sum + r.bitrateKbps, 0);
  const tiles = el('div', 'tiles');
  tiles.append(
    tile('viewers', num(s.viewers, 0), sparkline(history.viewers, 'viewers')),
    tile('kbit/s, all renditions', num(total, 0)),
    tile('danmaku / s', num(s.danmakuPerSecond, 1), sparkline(history.danmakuPerSecond, 'danmaku/s')),
    tile('chat / s', num(s.chatPerSecond, 1), sparkline(history.chatPerSecond, 'chat/s')),
    tile('danmaku rate-limited / s', num(s.danmakuRateLimitedPerSecond, 1)),
    tile('danmaku sockets', num(s.danmakuSockets, 0)),
    tile('chat sockets', num(s.chatSockets, 0)),
  );
  const body = el('div', 'stream-body');
  body.append(thumbnails.box(s.room, s.thumbnailAtMs), tiles);
  card.append(head, adminControls(s.room), body, renditionsTable(s, history));
  if (s.ingest) card.append(ingestTable(s.ingest));
  return card;
}

/** Renders every live room into `#streams` and their count into `#streams-summary`. */
export function renderStreams(
  streams: readonly StreamReport[],
  nowMs: number,
  series: SeriesStore,
  thumbnails: Thumbnails,
): void {
  thumbnails.keep(new Set(streams.map((s) => s.room)));
  const box = byId('streams');
  if (streams.length === 0) box.replaceChildren(el('p', 'empty', 'No live streams.'));
  else box.replaceChildren(...streams.map((s) => renderStream(s, nowMs, series, thumbnails)));
  byId('streams-summary').textContent = `${streams.length} live`;
}
