// The admin actions on the dashboard: the operator's MONITORING_ADMIN_TOKEN (typed into #admin-token and kept in this
// tab's sessionStorage only, never in a URL or a cookie), the per-room buttons (end the publish, rotate the stream key,
// record from the next publish on or off) calling `POST /api/admin/rooms/<room>/…` with `Authorization: Bearer`, and
// #admin-result, which shows each action's outcome: the API's refusal (401/403/404/503 with its message) or, for a
// rotation, the new stream key, shown this once with a copy button.
import { byId, el } from './dom.js';

/** The sessionStorage key of the admin token. */
const TOKEN_KEY = 'onair-admin-token';
/** Deadline of one admin request, ms (ending a publish may take ingest up to ~1 s, the API allows 10 s). */
const ACTION_TIMEOUT_MS = 12_000;

/** An admin action, as the API's path names it. */
type Action = 'end' | 'rotate-key' | 'record-on' | 'record-off';

/** The stored admin token; "" when none was entered in this tab. */
function storedToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** Shows the token state beside the field: whether actions will carry a token. */
function showTokenState(): void {
  const set = storedToken() !== '';
  byId('admin-token-state').textContent = set ? 'token set for this tab' : 'no token: actions will be refused';
  document.body.dataset.adminToken = String(set);
}

/** Replaces #admin-result with `nodes`, marked as an error or a success. */
function showResult(kind: 'ok' | 'error', ...nodes: Array<Node | string>): void {
  const box = byId('admin-result');
  box.className = `card admin-result ${kind}`;
  const dismiss = el('button', 'secondary', 'Dismiss');
  dismiss.type = 'button';
  dismiss.addEventListener('click', () => {
    box.hidden = true;
    box.replaceChildren();
  });
  box.replaceChildren(...nodes, dismiss);
  box.hidden = false;
}

/** The new stream key, once, with a copy button and the warning that it will not be shown again. */
function showKey(room: string, streamKey: string): void {
  const key = el('code', 'mono stream-key', streamKey);
  const copy = el('button', '', 'Copy');
  copy.type = 'button';
  copy.addEventListener('click', () => {
    navigator.clipboard.writeText(streamKey).then(
      () => (copy.textContent = 'Copied'),
      () => {
        getSelection()?.selectAllChildren(key);
        copy.textContent = 'Select and copy by hand';
      },
    );
  });
  showResult(
    'ok',
    el(
      'p',
      '',
      `New stream key of ${room}: shown this once, copy it now. The old key is refused from the next publish.`,
    ),
    key,
    copy,
  );
}

/** The error text of a refused request: the HTTP status and the API's `message` (or the status text). */
async function refusal(res: Response): Promise<string> {
  let message = res.statusText;
  try {
    const body = (await res.json()) as { message?: unknown };
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not a JSON body (a proxy's page): the status text stands.
  }
  const hint = res.status === 401 ? ' (enter the admin token above)' : '';
  return `${res.status}: ${message}${hint}`;
}

/** Sends one admin action for `room` and shows its outcome in #admin-result. */
async function run(room: string, action: Action): Promise<void> {
  const path = action.startsWith('record') ? 'record' : action;
  const headers: Record<string, string> = {};
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (path === 'record') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ record: action === 'record-on' });
  }
  let res: Response;
  try {
    res = await fetch(`/api/admin/rooms/${encodeURIComponent(room)}/${path}`, {
      method: 'POST',
      headers,
      body,
      cache: 'no-store',
      signal: AbortSignal.timeout(ACTION_TIMEOUT_MS),
    });
  } catch (err) {
    showResult('error', `${room}: ${action} failed: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  if (!res.ok) {
    showResult('error', `${room}: ${action} refused: ${await refusal(res)}`);
    return;
  }
  if (action === 'rotate-key') {
    const { streamKey } = (await res.json()) as { streamKey: string };
    showKey(room, streamKey);
  } else if (action === 'end') {
    showResult('ok', `${room}: publish ended.`);
  } else {
    showResult('ok', `${room}: recording ${action === 'record-on' ? 'on' : 'off'} from the next publish.`);
  }
}

/** What the operator must confirm before an action; null for the record toggles, which are undone by another click. */
function confirmation(room: string, action: Action): string | null {
  if (action === 'end') return `End the live publish of ${room} now? The publisher is disconnected.`;
  if (action === 'rotate-key')
    return `Rotate the stream key of ${room}? The old key is refused from the next publish; the new one is shown once.`;
  return null;
}

function button(room: string, action: Action, label: string, cls: string): HTMLButtonElement {
  const b = el('button', cls, label);
  b.type = 'button';
  b.dataset.action = action;
  b.addEventListener('click', () => {
    const question = confirmation(room, action);
    if (question !== null && !confirm(question)) return;
    b.disabled = true;
    void run(room, action).finally(() => (b.disabled = false));
  });
  return b;
}

/** The admin buttons of a live room's card: End publish, Rotate key, Record from next publish on / off. */
export function adminControls(room: string): HTMLDivElement {
  const box = el('div', 'admin-controls');
  box.append(
    button(room, 'end', 'End publish', 'danger'),
    button(room, 'rotate-key', 'Rotate key', ''),
    el('span', 'muted', 'Record from next publish:'),
    button(room, 'record-on', 'on', 'secondary'),
    button(room, 'record-off', 'off', 'secondary'),
  );
  return box;
}

/** Wires #admin-form: saving the token into sessionStorage (the field is then cleared) and forgetting it. */
export function setUpAdminToken(): void {
  const form = byId('admin-form') as HTMLFormElement;
  const field = byId('admin-token') as HTMLInputElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = field.value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    field.value = '';
    showTokenState();
  });
  byId('admin-forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
  });
  showTokenState();
}
