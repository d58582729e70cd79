/**
 * One load process of the danmaku bench: viewers on lean raw sockets (raw-socket.mjs), and in the first process the
 * posters (posters.mjs). Started by load.mjs (pinned to a CPU), which writes one JSON command per line on stdin;
 * each gets one JSON line on stdout:
 * - `{"op":"open","urls":[…],"viewers":[[instance, sample]…],"concurrency":N}`: opens a viewer per entry on
 *   `urls[instance]` (N handshakes at a time), each says `{"type":"hello"}` (a reader: no token) and counts as open
 *   once its welcome came; `sample` 1 makes it a sample viewer. Answers `{"event":"opened","open":n,"failed":[…]}`.
 * - `{"op":"posters","posters":[{"url","token"}…]}`: opens the posters. Answers `{"event":"posters","open":n}`.
 * - `{"op":"pace","rate":R,"phase":"w"}`: see Posters.pace. Answers `{"event":"pacing"}`.
 * - `{"op":"status"}`: answers `{"event":"status",…}` with the counts so far (see `status()`).
 * It exits when stdin closes (the bench ended or died).
 */
import { createInterface } from 'node:readline';
import { Posters } from './posters.mjs';
import { RawSocket } from './raw-socket.mjs';
import { ViewerBook } from './viewer-book.mjs';

/** A viewer that has no welcome this long after its upgrade counts as failed, ms. */
const WELCOME_TIMEOUT_MS = 30_000;
/**
 * How often the counting viewers read their sockets, ms: they are paused in between and read what the kernel holds
 * for them in one go (a few KiB, far below what would make the server queue), so that one CPU reads 10,000 sockets.
 */
const COUNTERS_READ_EVERY_MS = 500;

const book = new ViewerBook();
const posters = new Posters();
/** @type {RawSocket[]} */
const sockets = [];
/** @type {RawSocket[]} the counting viewers' sockets, once welcomed. */
const counting = [];
const closes = {};
let open = 0;

/** Opens one viewer and resolves once it is welcomed; rejects with the reason otherwise. */
async function openViewer(url, instance, sample) {
  /** @type {RawSocket} */
  let socket;
  /** Whether it is counted in `open` (welcomed). */
  let counted = false;
  let welcomed;
  const welcome = new Promise((resolve, reject) => {
    welcomed = { resolve, reject };
  });
  const onWelcome = () => welcomed.resolve();
  const onClose = (code) => {
    if (counted) {
      open--;
      closes[code] = (closes[code] ?? 0) + 1;
    }
    welcomed.reject(new Error(`closed ${code}`));
  };
  if (sample) {
    const { onFrame } = book.sample(onWelcome);
    socket = await RawSocket.open(url, { onWhole: onFrame, onPrefix: () => undefined, onClose });
  } else {
    const { onWhole, onPrefix } = book.counter(onWelcome);
    socket = await RawSocket.open(url, { onWhole, onPrefix, onClose });
  }
  socket.send('{"type":"hello"}');
  const timer = setTimeout(
    () => welcomed.reject(new Error(`no welcome within ${WELCOME_TIMEOUT_MS} ms`)),
    WELCOME_TIMEOUT_MS,
  );
  try {
    await welcome;
  } catch (err) {
    socket.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  counted = true;
  socket.whole = sample;
  open++;
  sockets.push(socket);
  if (!sample) {
    socket.pause();
    counting.push(socket);
  }
}

async function openViewers({ urls, viewers, concurrency }) {
  const failed = [];
  let next = 0;
  const worker = async () => {
    while (next < viewers.length) {
      const [instance, sample] = viewers[next++];
      await openViewer(urls[instance], instance, sample === 1).catch((err) => failed.push(err.message));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { event: 'opened', open, failed: failed.slice(0, 5), failedCount: failed.length };
}

/** Latency histogram bins that hold something, to merge the processes' histograms. */
function histogramBins(h) {
  const nonZero = (bins) => [...bins.entries()].filter(([, n]) => n > 0);
  return {
    fine: nonZero(h.fine),
    coarse: nonZero(h.coarse),
    beyond: h.beyond,
    count: h.count,
    sumUs: h.sumUs,
    maxUs: h.maxUs,
  };
}

function status() {
  const elu = performance.eventLoopUtilization();
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  return {
    event: 'status',
    open,
    closes,
    frames: sum(sockets.map((s) => s.frames)),
    bytes: sum(sockets.map((s) => s.bytes)),
    items: sum(book.samples.map((v) => v.items)) + sum(book.counters.map((v) => v.items)),
    otherFrames: book.otherFrames,
    errors: book.errors,
    samples: book.samples.map(({ measured, duplicates, missingSeqs, orderViolations }) => ({
      measured,
      duplicates,
      missingSeqs,
      orderViolations,
    })),
    counted: {
      viewers: book.counters.length,
      fewestItems: Math.min(...book.counters.map((v) => v.items)),
      mostItems: Math.max(...book.counters.map((v) => v.items)),
      orderViolations: sum(book.counters.map((v) => v.orderViolations)),
    },
    latency: histogramBins(book.latency),
    posters: {
      sent: posters.sent,
      errors: posters.errors,
      skipped: posters.skipped,
      sendLag: posters.sendLag.summary(),
    },
    eventLoop: { activeMs: elu.active, idleMs: elu.idle },
  };
}

const ops = {
  open: openViewers,
  posters: async ({ posters: specs }) => ({ event: 'posters', open: await posters.open(specs) }),
  pace: ({ rate, phase }) => {
    posters.pace(rate, phase);
    return { event: 'pacing' };
  },
  status,
};
setInterval(() => {
  for (const socket of counting) socket.resume();
  setImmediate(() => {
    for (const socket of counting) socket.pause();
  });
}, COUNTERS_READ_EVERY_MS).unref();
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('close', () => process.exit(0));
// An exit of its own, so that a profile (--cpu-prof) is written when the parent stops it.
process.once('SIGTERM', () => process.exit(0));
let queue = Promise.resolve();
lines.on('line', (line) => {
  const command = JSON.parse(line);
  queue = queue.then(async () => emit(await ops[command.op](command)));
});
