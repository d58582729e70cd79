// The Moderation panel: the recent moderation actions of live rooms from the SSE `snapshot` (all of them) and
// `moderation` (the new ones) events, newest first, every value set as text.
import { byId, el, row } from './dom.js';
import type { ModerationAction } from '../src/status/status-types.js';

/** Actions the panel shows at most (monitoring keeps MONITORING_MODERATION_HISTORY). */
const MAX_SHOWN = 200;

let shown: ModerationAction[] = [];

const time = (ms: number): string => new Date(ms).toLocaleTimeString();

function actionRow(a: ModerationAction): HTMLTableRowElement {
  const tr = row([
    time(a.atMs),
    el('span', 'name', a.room),
    a.service,
    a.detail ? `${a.action} ${a.detail}` : a.action,
    a.actor,
    el('span', 'mono', a.target),
    a.reason,
  ]);
  tr.dataset.room = a.room;
  tr.dataset.action = a.action;
  return tr;
}

function draw(): void {
  const body = byId('moderation');
  if (shown.length === 0) body.replaceChildren(row([el('span', 'empty', 'No moderation actions yet.')]));
  else body.replaceChildren(...shown.map(actionRow).reverse());
  byId('moderation-summary').textContent = `${shown.length} recent`;
}

/** Shows `actions` (oldest first), replacing what the panel showed: on each snapshot. */
export function resetModeration(actions: readonly ModerationAction[]): void {
  shown = actions.slice(-MAX_SHOWN);
  draw();
}

/** Adds the new `actions` (oldest first) at the top of the panel. */
export function addModeration(actions: readonly ModerationAction[]): void {
  shown = [...shown, ...actions].slice(-MAX_SHOWN);
  draw();
}
