/**
 * The danmaku and chat sockets of the soak: one Node process (forked by run.mjs) holding every WebSocket (the `ws`
 * package). Each socket says hello (with a token when it posts), keeps the `seq` of the last room frame it saw, and,
 * when its connection closes, reconnects after {@link RECONNECT_MS} with `since` set to that seq, so the server
 * recovers what it missed (libs/realtime README, "Recovery"). Commands arrive as IPC messages:
 * - `{"op":"open","sockets":[{"service","url","room","token"?}…]}`: opens them; answers `{"event":"opened","failed"}`.
 * - `{"op":"pace","perSec":R}`: the sockets with a token post R messages per second in all, round robin, each text
 *   unique (`soak <poster> <n>`); 0 stops. Answers `{"event":"pacing"}`.
 * - `{"op":"status"}` / `{"op":"audit"}`: the counts so far; the audit adds, per socket, every message accepted in
 *   its room (a post is accepted once the server delivers it to its own poster) that the socket never received, and
 *   every message it received twice.
 */
import { WebSocket } from 'ws';

/** Wait before a closed socket reconnects, ms. */
const RECONNECT_MS = 1000;
const TYPE_OF = { danmaku: 'danmaku', chat: 'message' };

const sockets = [];
/** Accepted message ids per `<service>/<room>`: those that came back to their poster. */
const accepted = new Map();
const totals = { posted: 0, refused: 0, reconnects: 0, recovered: 0, incomplete: 0, deliveries: 0 };
let pace;

/** Opens (or reopens) one socket and wires its frames. */
function connect(socket) {
  const ws = new WebSocket(socket.url);
  socket.ws = ws;
  socket.open = false;
  ws.on('open', () => {
    const hello = { type: 'hello', ...(socket.token ? { token: socket.token } : {}) };
    if (socket.lastSeq !== undefined) hello.since = socket.lastSeq;
    ws.send(JSON.stringify(hello));
  });
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    for (const item of frame.type === 'batch' ? frame.items : [frame]) receive(socket, item);
  });
  ws.on('error', () => undefined);
  ws.on('close', () => {
    socket.open = false;
    if (socket.stopped) return;
    totals.reconnects++;
    setTimeout(() => connect(socket), RECONNECT_MS);
  });
}

/** One frame (a batch's item) arriving at `socket`. */
function receive(socket, frame) {
  if (frame.type === 'welcome') {
    socket.open = true;
    socket.welcomed?.();
    return;
  }
  if (frame.type === 'recovered') {
    totals.recovered++;
    if (!frame.complete) totals.incomplete++;
    return;
  }
  if (frame.type === 'error') {
    totals.refused++;
    return;
  }
  if (typeof frame.seq === 'number') socket.lastSeq = Math.max(socket.lastSeq ?? 0, frame.seq);
  if (frame.type !== TYPE_OF[socket.service] || typeof frame.id !== 'string') return;
  totals.deliveries++;
  if (socket.received.has(frame.id)) socket.duplicates++;
  socket.received.add(frame.id);
  if (frame.text.startsWith(`soak ${socket.index} `)) accepted.get(socket.key).add(frame.id);
}

/** Posts the next message of the pace from the next poster that is connected. */
function postNext(posters) {
  const poster = posters[pace.next++ % posters.length];
  if (!poster.open) return;
  const text = `soak ${poster.index} ${pace.next}`;
  const frame = poster.service === 'danmaku' ? { type: 'danmaku', text } : { type: 'message', text };
  poster.ws.send(JSON.stringify(frame));
  totals.posted++;
}

function audit() {
  const missing = [];
  let duplicates = 0;
  for (const socket of sockets) {
    duplicates += socket.duplicates;
    for (const id of accepted.get(socket.key)) if (!socket.received.has(id)) missing.push({ socket: socket.index, id });
  }
  const acceptedCount = [...accepted.values()].reduce((n, ids) => n + ids.size, 0);
  return { accepted: acceptedCount, missing: missing.length, missingSample: missing.slice(0, 5), duplicates };
}

function status() {
  const cpu = process.cpuUsage();
  const open = sockets.filter((s) => s.open).length;
  return { event: 'status', sockets: sockets.length, open, ...totals, cpuS: (cpu.user + cpu.system) / 1e6 };
}

process.on('message', async (msg) => {
  if (msg.op === 'open') {
    const opened = msg.sockets.map((spec) => {
      const socket = { ...spec, index: sockets.length, key: `${spec.service}/${spec.room}` };
      Object.assign(socket, { received: new Set(), duplicates: 0, lastSeq: undefined, stopped: false });
      if (!accepted.has(socket.key)) accepted.set(socket.key, new Set());
      sockets.push(socket);
      const welcomed = new Promise((resolve) => (socket.welcomed = resolve));
      connect(socket);
      return Promise.race([welcomed, new Promise((r) => setTimeout(() => r('no welcome in 30 s'), 30_000))]);
    });
    const results = await Promise.all(opened);
    process.send({ event: 'opened', failed: results.filter((r) => typeof r === 'string').length });
  } else if (msg.op === 'pace') {
    clearInterval(pace?.timer);
    if (msg.perSec > 0) {
      const posters = sockets.filter((s) => s.token);
      const tickMs = 10;
      const startMs = Date.now();
      pace = { next: pace?.next ?? 0, sent: 0 };
      pace.timer = setInterval(() => {
        const due = Math.floor(((Date.now() - startMs) * msg.perSec) / 1000);
        for (; pace.sent < due; pace.sent++) postNext(posters);
      }, tickMs);
    }
    process.send({ event: 'pacing' });
  } else if (msg.op === 'status') process.send(status());
  else if (msg.op === 'audit') process.send({ ...status(), event: 'audit', ...audit() });
  else if (msg.op === 'stop') {
    clearInterval(pace?.timer);
    for (const socket of sockets) {
      socket.stopped = true;
      socket.ws.close();
    }
    process.send({ event: 'stopped' });
    setTimeout(() => process.exit(0), 100);
  }
});
process.on('disconnect', () => process.exit(0));
