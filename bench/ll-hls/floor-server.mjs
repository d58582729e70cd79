/**
 * The floor of the held-requests test, run as its own process (pinned to a CPU by its parent):
 * `node floor-server.mjs <connections> <answer file>`. A raw `net` server with no HTTP, no LL-HLS and no JS beyond a
 * loop: it reads requests (up to their empty line) on every connection, and once `<connections>` of them are
 * waiting, writes the answer file (a whole HTTP answer: head and body) to each of them at once, 100 ms later (the
 * part "arrives"). What the relay takes over this to answer the same number of held requests is its own cost; what
 * this takes is the machine's (the kernel's writes to loopback sockets, and waking the client). Prints
 * `{"port":n}` once listening.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const count = Number(process.argv[2]);
const answer = readFileSync(process.argv[3]);
/** @type {import('node:net').Socket[]} */
let waiting = [];

const server = createServer({ noDelay: true }, (socket) => {
  let text = '';
  socket.on('error', () => {});
  socket.on('data', (data) => {
    text += data.toString('latin1');
    for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
      text = text.slice(end + 4);
      waiting.push(socket);
    }
    if (waiting.length < count) return;
    const batch = waiting;
    waiting = [];
    setTimeout(() => {
      for (const s of batch) s.write(answer);
    }, 100);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
