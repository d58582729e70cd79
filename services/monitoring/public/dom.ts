// DOM helpers of the dashboard: every value reaches the page through textContent or an attribute, never as HTML.

/** The element with `id`. @throws Error when the page has none. */
export function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}

/** A new element with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls = '',
  text?: string | number,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

/** A table row of cells: a node is appended, anything else set as text. */
export function row(cells: ReadonlyArray<Node | string>): HTMLTableRowElement {
  const tr = el('tr');
  for (const cell of cells) {
    const td = el('td');
    if (cell instanceof Node) td.append(cell);
    else td.textContent = cell;
    tr.append(td);
  }
  return tr;
}

/** A duration, ms, in words: "42 s", "3 min 5 s", "2 h 10 min", "3 d 4 h"; "—" for null. */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** How long before `nowMs` a time was, unix epoch ms: "just now", "12 s ago", "never" for null. */
export function ago(ms: number | null, nowMs: number): string {
  if (ms === null) return 'never';
  const d = Math.max(0, nowMs - ms);
  return d < 1000 ? 'just now' : `${duration(d)} ago`;
}

/** A number with at most `maxDigits` fraction digits, in the browser's locale. */
export function num(value: number, maxDigits: number): string {
  return value.toLocaleString(undefined, { maximumFractionDigits: maxDigits });
}
