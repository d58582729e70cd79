/**
 * @typedef {Record<string, { count: number, bytes: number }>} HeapSummary per kind of heap object: how many and their
 *   shallow (self) size, bytes. A kind is the constructor's name for a plain object ("WebSocket", "Socket", "Map"),
 *   else the node type in parentheses ("(string)", "(closure)", "(array)", "(code)", …).
 */

/**
 * Sums a V8 heap snapshot (the .heapsnapshot JSON: `snapshot.meta.node_fields` and `node_types` describe the flat
 * `nodes` array, names index `strings`) by kind of object.
 * @param {string} json the snapshot's text.
 * @returns {HeapSummary}
 * @throws SyntaxError when it is not JSON; TypeError when it lacks the fields named.
 */
export function summarizeHeapSnapshot(json) {
  const { snapshot, nodes, strings } = JSON.parse(json);
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  /** @type {HeapSummary} */
  const summary = {};
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    const kind = type === 'object' ? strings[nodes[i + nameAt]] : `(${type})`;
    const entry = (summary[kind] ??= { count: 0, bytes: 0 });
    entry.count++;
    entry.bytes += nodes[i + sizeAt];
  }
  return summary;
}

/**
 * The kinds that grew most between two summaries, by bytes.
 * @param {HeapSummary} before
 * @param {HeapSummary} after
 * @param {number} top how many kinds.
 * @returns {Array<{ kind: string, count: number, bytes: number }>} growth of each, largest first.
 */
export function heapGrowth(before, after, top) {
  return Object.entries(after)
    .map(([kind, { count, bytes }]) => ({
      kind,
      count: count - (before[kind]?.count ?? 0),
      bytes: bytes - (before[kind]?.bytes ?? 0),
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}
