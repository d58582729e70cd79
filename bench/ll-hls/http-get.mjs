import { Agent, get } from 'node:http';
import { nowMs } from './proc.mjs';

/** Keep-alive connections shared by every GET of the benchmark's own clients (not the load generators). */
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/**
 * GETs `url` over HTTP/1.1 with keep-alive (RFC 9112), cheaper per request than `fetch`.
 * @param {string | URL} url
 * @param {{ signal?: AbortSignal, timeoutMs?: number }} [options] timeoutMs bounds the whole exchange, ms (default
 *   10,000).
 * @returns {Promise<{ status: number, body: Buffer, headersAtMs: number }>} headersAtMs: wall time the response
 *   headers arrived, ms since the epoch.
 * @throws Error on a connection error, when `signal` aborts, or after `timeoutMs`.
 */
export function httpGet(url, { signal, timeoutMs = 10_000 } = {}) {
  const timeout = AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    const req = get(url, { agent, signal: signal ? AbortSignal.any([signal, timeout]) : timeout }, (res) => {
      const headersAtMs = nowMs();
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headersAtMs }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
