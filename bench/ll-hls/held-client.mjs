/**
 * The load client of the held-requests test, run as its own process (pinned to a CPU by its parent):
 * `node held-client.mjs <host> <port>`. It reads one JSON command per line on stdin and answers one JSON line on
 * stdout for each:
 * - `{"op":"open","count":N}`: opens N HTTP/1.1 connections (raw TCP, TCP_NODELAY), 256 connects at a time;
 *   answers `{"opened":n,"failed":n}`.
 * - `{"op":"batch","path":"/…","expect":"<regexp>","timeoutMs":N}`: writes one GET of `path` on every open
 *   connection at once and reads the answers (Content-Length bodies); answers `{"writtenAtMs":t,"answersAtMs":[…],
 *   "statuses":{…},"expected":n,"failed":n,"cpuMs":n}`: the wall time each complete answer arrived (ms since the
 *   epoch), how many bodies matched `expect` (multiline), connections that closed or failed, and this process's
 *   CPU (user + system) from writing the batch to its last answer.
 * - `{"op":"close"}`: closes every connection and exits.
 */
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

const [host, port] = [process.argv[2], Number(process.argv[3])];
const HEADER_END = '\r\n\r\n';
/** Connects in flight at once, well under a listen backlog of 511. */
const CONNECT_WAVE = 256;

const nowMs = () => performance.timeOrigin + performance.now();
/**
 * @typedef {object} Connection
 * @property {import('node:net').Socket} socket
 * @property {Buffer[]} chunks what arrived of the answer being read.
 * @property {number} received bytes in `chunks`.
 * @property {number} length the whole answer's length once its head arrived, else -1.
 * @property {((answer?: Buffer, at?: number) => void) | undefined} onAnswer
 */
/** @type {Connection[]} */
const connections = [];

/**
 * Notes a chunk of `conn`'s answer; once the answer is whole, hands it on with the time its last chunk arrived. Kept
 * lean (the time is taken first; the answer is read only after the batch), since with 5,000 answers at once this
 * client's own work would otherwise show up as the relay's spread.
 */
function onChunk(conn, chunk) {
  const at = nowMs();
  conn.chunks.push(chunk);
  conn.received += chunk.length;
  if (conn.length < 0) {
    const head = conn.chunks.length === 1 ? chunk : Buffer.concat(conn.chunks);
    const end = head.indexOf(HEADER_END);
    if (end < 0) return;
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head.toString('latin1', 0, end))?.[1];
    conn.length = end + HEADER_END.length + Number(length ?? 0);
  }
  if (conn.received < conn.length) return;
  const answer = conn.chunks.length === 1 ? chunk : Buffer.concat(conn.chunks);
  conn.chunks = [];
  conn.received = 0;
  conn.length = -1;
  conn.onAnswer?.(answer, at);
}

function openOne() {
  return new Promise((resolve) => {
    /** @type {Connection} */
    const conn = { socket: undefined, chunks: [], received: 0, length: -1, onAnswer: undefined };
    // onread: reads go into one buffer per connection and straight to the callback, past the stream machinery.
    const buffer = Buffer.allocUnsafe(16 * 1024);
    conn.socket = connect({
      port,
      host,
      noDelay: true,
      onread: { buffer, callback: (n, buf) => void onChunk(conn, Buffer.from(buf.subarray(0, n))) },
    });
    conn.socket.once('connect', () => resolve(conn));
    conn.socket.on('error', () => resolve(undefined));
    conn.socket.on('close', () => conn.onAnswer?.(undefined, nowMs()));
  });
}

async function open(count) {
  let failed = 0;
  for (let i = 0; i < count; i += CONNECT_WAVE) {
    const wave = await Promise.all(Array.from({ length: Math.min(CONNECT_WAVE, count - i) }, openOne));
    for (const conn of wave) {
      if (conn) connections.push(conn);
      else failed++;
    }
  }
  return { opened: connections.length, failed };
}

function batch({ path, expect, timeoutMs }) {
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`, 'latin1');
  const pattern = new RegExp(expect, 'm');
  const cpuBefore = process.cpuUsage();
  return new Promise((resolve) => {
    const result = { writtenAtMs: 0, answersAtMs: [], statuses: {}, expected: 0, failed: 0, cpuMs: 0 };
    const answers = [];
    let left = connections.length;
    const done = () => {
      clearTimeout(timer);
      for (const conn of connections) conn.onAnswer = undefined;
      const cpu = process.cpuUsage(cpuBefore);
      for (const answer of answers) {
        const text = answer.toString('latin1');
        const status = text.slice(9, 12);
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
        if (pattern.test(text)) result.expected++;
      }
      resolve({ ...result, cpuMs: (cpu.user + cpu.system) / 1000 });
    };
    const timer = setTimeout(done, timeoutMs);
    for (const conn of connections) {
      if (conn.socket.destroyed) {
        result.failed++;
        left--;
        continue;
      }
      conn.onAnswer = (answer, at) => {
        conn.onAnswer = undefined;
        if (answer === undefined) result.failed++;
        else {
          result.answersAtMs.push(at);
          answers.push(answer);
        }
        if (--left === 0) done();
      };
      conn.socket.write(request);
    }
    result.writtenAtMs = nowMs();
    if (left === 0) done();
  });
}

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line);
  if (command.op === 'open') process.stdout.write(`${JSON.stringify(await open(command.count))}\n`);
  else if (command.op === 'batch') process.stdout.write(`${JSON.stringify(await batch(command))}\n`);
  else break;
}
for (const conn of connections) conn.socket.destroy();
