import { WebSocket } from 'ws';
import { waitFor } from '@onair/testing';

/** Bound on one inspector call (a full GC of a large heap included), ms. */
const CALL_TIMEOUT_MS = 60_000;

/** The Node.js option that opens the inspector on a loopback port of the system's choosing. */
export const INSPECT_ARG = '--inspect=127.0.0.1:0';

/**
 * @typedef {object} MemoryUsage `process.memoryUsage()` of the inspected process, bytes.
 * @property {number} rss
 * @property {number} heapTotal
 * @property {number} heapUsed
 * @property {number} external
 * @property {number} arrayBuffers
 */

/**
 * @typedef {object} Inspector a session on a Node process's inspector (Chrome DevTools Protocol over WebSocket).
 * @property {() => Promise<MemoryUsage>} memoryAfterGc runs a full garbage collection
 *   (`HeapProfiler.collectGarbage`), then reads `process.memoryUsage()` in the process (`Runtime.evaluate`).
 * @property {() => Promise<string>} heapSnapshot takes a heap snapshot (`HeapProfiler.takeHeapSnapshot`, which
 *   collects garbage first) and resolves to its JSON text (the .heapsnapshot format).
 * @property {() => void} close
 */

/**
 * Connects to the inspector of a process started with {@link INSPECT_ARG}, whose URL it printed on stderr
 * ("Debugger listening on ws://127.0.0.1:<port>/<id>"). Node's own debug path: nothing in the service is added.
 * @param {() => string} output the process's output so far.
 * @returns {Promise<Inspector>}
 * @throws Error when no URL is printed within 10 s or the connection fails.
 */
export async function openInspector(output) {
  const url = await waitFor(() => /Debugger listening on (ws:\/\/\S+)/.exec(output())?.[1], {
    timeoutMs: 10_000,
    what: 'the inspector URL',
  });
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let nextId = 1;
  const waiting = new Map();
  /** Chunks of the heap snapshot under way. @type {string[]} */
  let chunks = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString('utf8'));
    if (message.method === 'HeapProfiler.addHeapSnapshotChunk') {
      chunks.push(message.params.chunk);
      return;
    }
    const call = waiting.get(message.id);
    if (call === undefined) return;
    waiting.delete(message.id);
    if (message.error) call.reject(new Error(`${call.method}: ${message.error.message}`));
    else call.resolve(message.result);
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`${method}: no answer within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      waiting.set(id, {
        method,
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    async memoryAfterGc() {
      await send('HeapProfiler.collectGarbage');
      const { result } = await send('Runtime.evaluate', {
        expression: 'JSON.stringify(process.memoryUsage())',
        returnByValue: true,
      });
      return JSON.parse(result.value);
    },
    async heapSnapshot() {
      chunks = [];
      await send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      const text = chunks.join('');
      chunks = [];
      return text;
    },
    close: () => ws.close(),
  };
}
