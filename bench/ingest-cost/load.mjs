import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { startProcess, waitFor } from '@onair/testing';
import { onCleanup } from '../ll-hls/cleanup.mjs';

const LOAD_SCRIPT = fileURLToPath(new URL('publish-load.mjs', import.meta.url));

/**
 * @typedef {object} LoadStatus
 * @property {number} open connections still open.
 * @property {number} sentBytes RTMP bytes written so far, every connection together.
 * @property {number} maxQueuedBytes the most bytes any one connection had waiting to be written (Node's
 *   `writableLength`), bytes: near 0 while the server reads as fast as the publishers send.
 */

/**
 * @typedef {object} Load
 * @property {number} pid the publisher process.
 * @property {number} publishing publishes that opened.
 * @property {() => Promise<LoadStatus>} status asks the process for its status, answered between two ticks of
 *   sending; rejects when no answer comes within 5 s.
 * @property {() => Array<{ index: number, reason: string }>} closed connections closed so far, with why.
 * @property {() => Promise<void>} stop ends the process (every connection with it).
 */

/**
 * Starts publish-load.mjs, pinned to `cpu` (`taskset -c`), publishing `file` in real time to every stream key at
 * once on `rtmp://127.0.0.1:<port>/<app>/`, the streams' starts spread over `spreadMs`; resolves once every publish
 * is open.
 * @param {{ port: number, app: string, file: string, streamKeys: string[], spreadMs: number, cpu: number }} options
 * @returns {Promise<Load>}
 * @throws Error with the failures when a publish is refused or the process does not report within 60 s.
 */
export async function startLoad({ port, app, file, streamKeys, spreadMs, cpu }) {
  const proc = startProcess('taskset', ['-c', String(cpu), process.execPath, LOAD_SCRIPT]);
  const stop = onCleanup(() => proc.stop());
  let ready;
  const statusWaiters = [];
  const closed = [];
  createInterface({ input: proc.child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const event = JSON.parse(line);
    if (event.event === 'ready') ready = event;
    else if (event.event === 'status') statusWaiters.shift()?.(event);
    else if (event.event === 'closed') closed.push({ index: event.index, reason: event.reason });
  });
  proc.child.stdin.write(`${JSON.stringify({ port, app, file, streamKeys, spreadMs })}\n`);
  try {
    const exited = () => (proc.child.exitCode !== null ? 'exited' : undefined);
    const outcome = await waitFor(() => ready ?? exited(), {
      timeoutMs: 60_000,
      what: `${streamKeys.length} publishes to open`,
    });
    if (outcome === 'exited') throw new Error('the publisher process exited');
    if (ready.failed.length > 0) {
      throw new Error(`${ready.failed.length} of ${streamKeys.length} publishes failed: ${ready.failed.join('; ')}`);
    }
  } catch (err) {
    await stop();
    throw new Error(`${String(err)}\n${proc.output()}`, { cause: err });
  }
  const status = () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the publisher process gave no status within 5 s')), 5000);
      statusWaiters.push((event) => {
        clearTimeout(timer);
        resolve(event);
      });
      proc.child.stdin.write('status\n');
    });
  return { pid: proc.child.pid, publishing: ready.publishing, status, closed: () => closed, stop };
}
