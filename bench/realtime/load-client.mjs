/**
 * The load: one Node process holding every viewer's WebSocket (the `ws` package), posting and timing what arrives.
 * Started by load.mjs (pinned to a CPU), which writes one JSON command per line on stdin; each gets one JSON line on
 * stdout:
 * - `{"op":"open","sockets":[{"url","token"}…],"concurrency":N}`: opens the sockets (N handshakes at a time), says
 *   hello with each token and waits for each welcome; answers `{"event":"opened","open":n,"failed":[reason…]}`.
 * - `{"op":"pace","rate":R,"phase":"w"}`: posts R chat messages per second in all, the k-th at k/R s after the first,
 *   by socket k mod n (every socket posts R/n per second), each text tagged with the phase; a later pace at the same
 *   rate keeps the schedule and changes the tag; rate 0 stops. Answers `{"event":"pacing"}`.
 * - `{"op":"flood","posters":[i…],"window":W,"phase":"w"}`: each of those sockets keeps W posts outstanding, posting
 *   the next one when its own message comes back (a post is accepted once its message is delivered: no frame answers
 *   an accepted post) or an error frame answers one; a later flood changes the tag; window 0 stops. Answers
 *   `{"event":"flooding"}`.
 * - `{"op":"status","receivers":N}`: answers `{"event":"status",…}` with the counts so far (see `status()`); the
 *   latency quantiles are over N deliveries of each measured post, those that did not arrive ranking last.
 * It exits when stdin closes (the bench ended or died).
 *
 * A post's text is `L<phase> <sendUs> <poster>`: the phase tag, the time it was sent (µs of `performance.now()`, which
 * Node takes from uv_hrtime, the monotonic clock process.hrtime reads) and the posting socket's index. Every socket
 * that receives it records receive − send for the tag `m` (measured) into one histogram. Frames are read as bytes:
 * the `seq` first member of live frames (`{"seq":N,…}`, libs/realtime stream-bus.ts; a batch frame's items are such
 * frames) and the text, without JSON.parse, so that the client spends as little as it can per delivery.
 */
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { LatencyHistogram } from './latency-histogram.mjs';

/** A socket that has no welcome this long after it was opened counts as failed, ms. */
const WELCOME_TIMEOUT_MS = 30_000;
/** How often the pace checks for posts due, ms (the schedule itself is exact; late posts catch up). */
const PACE_TICK_MS = 1;
/** How a room frame starts (libs/realtime stream-bus.ts puts its seq first). */
const SEQ_MARK = '{"seq":';
/** How a batch of room frames starts (libs/realtime room-batch.ts). */
const BATCH_MARK = '{"v":1,"type":"batch","items":[';
/** `"text":"L`: where a bench post's text starts in a delivered frame. */
const TEXT_MARK = '"text":"L';
const MEASURED = 'm'.charCodeAt(0);
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const SPACE = 32;

const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

/**
 * @typedef {object} Viewer
 * @property {number} index
 * @property {WebSocket} ws
 * @property {boolean} open
 * @property {number} lastSeq greatest seq received, to check the order.
 * @property {number} live bench messages received, any phase.
 * @property {number} measured bench messages of phase `m` received.
 * @property {number} outstanding posts of a flood not yet back.
 * @property {(() => void) | undefined} onWelcome
 */

/** @type {Viewer[]} */
const viewers = [];
const sent = {};
const received = {};
const errors = {};
const closes = {};
let orderViolations = 0;
let skippedPosts = 0;
const latency = new LatencyHistogram();
/** How late each measured paced post went out against its schedule. */
const sendLag = new LatencyHistogram();
/** @type {{ rate: number, phase: string, t0: number, k: number, timer: NodeJS.Timeout } | undefined} */
let pace;
/** @type {{ posters: Viewer[], window: number, phase: string } | undefined} */
let flood;

/** Sends one post from `viewer`, tagged `phase`; false when its socket is not open. */
function post(viewer, phase) {
  if (viewer.ws.readyState !== WebSocket.OPEN) {
    skippedPosts++;
    return false;
  }
  const sendUs = Math.round(performance.now() * 1000);
  viewer.ws.send(`{"type":"message","text":"L${phase} ${sendUs} ${viewer.index}"}`);
  sent[phase] = (sent[phase] ?? 0) + 1;
  return true;
}

/** Posts from a flooding viewer until it has the window outstanding. */
function refill(viewer) {
  if (flood === undefined) return;
  while (viewer.outstanding < flood.window && post(viewer, flood.phase)) viewer.outstanding++;
}

/** Index after the digits {@link readInt} read last. */
let intEnd = 0;

/** Reads the decimal integer at `at` in `frame` (a string), leaving the index after it in {@link intEnd}. */
function readInt(frame, at) {
  let value = 0;
  let i = at;
  for (let c = frame.charCodeAt(i); c >= DIGIT_0 && c <= DIGIT_9; c = frame.charCodeAt(++i))
    value = value * 10 + c - DIGIT_0;
  intEnd = i;
  return value;
}

/**
 * One room frame `{"seq":N,…` at `start` of `frame`, which ends before `end` (the next item of a batch, or the
 * end): checks its seq grows and records a bench post's latency.
 */
function onLive(viewer, frame, start, end, nowUs) {
  const seq = readInt(frame, start + SEQ_MARK.length);
  if (seq <= viewer.lastSeq) orderViolations++;
  viewer.lastSeq = seq;
  const at = frame.indexOf(TEXT_MARK, intEnd);
  if (at < 0 || at > end) return; // an event frame, not a bench post
  const phase = frame.charCodeAt(at + TEXT_MARK.length);
  const sendUs = readInt(frame, at + TEXT_MARK.length + 2);
  const afterSend = intEnd;
  const poster = readInt(frame, afterSend + 1);
  const tag = String.fromCharCode(phase);
  received[tag] = (received[tag] ?? 0) + 1;
  viewer.live++;
  if (phase === MEASURED) {
    viewer.measured++;
    latency.record(Math.max(0, nowUs - sendUs));
  }
  if (poster === viewer.index && frame.charCodeAt(afterSend) === SPACE && viewer.outstanding > 0) {
    viewer.outstanding--;
    refill(viewer);
  }
}

/**
 * One frame from the server to `viewer`: a room frame, a batch of them, or another frame. Room frames are read as
 * latin1 text (one character per byte: Buffer.indexOf costs a native call per search, a string's indexOf does not),
 * which the ASCII marks and digits read alike.
 */
function onFrame(viewer, data) {
  const nowUs = performance.now() * 1000;
  const frame = data.toString('latin1');
  if (frame.startsWith(SEQ_MARK)) return onLive(viewer, frame, 0, frame.length, nowUs);
  if (frame.startsWith(BATCH_MARK)) {
    // Items are JSON objects: `{"seq":` can only be an item's start (a quote inside a string is escaped).
    for (let at = frame.indexOf(SEQ_MARK, BATCH_MARK.length); at >= 0;) {
      const next = frame.indexOf(SEQ_MARK, at + SEQ_MARK.length);
      onLive(viewer, frame, at, next < 0 ? frame.length : next, nowUs);
      at = next;
    }
    return;
  }
  const text = data.toString('utf8');
  if (text.includes('"type":"error"')) {
    const { code, message } = JSON.parse(text);
    const key = `${code} (${message})`;
    errors[key] = (errors[key] ?? 0) + 1;
    if (viewer.outstanding > 0) {
      viewer.outstanding--;
      refill(viewer);
    }
  } else if (text.includes('"type":"welcome"')) viewer.onWelcome?.();
}

/** Opens one socket, says hello and resolves once welcomed; rejects with the reason otherwise. */
function openViewer(index, { url, token }) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    /** @type {Viewer} */
    const viewer = { index, ws, open: false, lastSeq: 0, live: 0, measured: 0, outstanding: 0, onWelcome: undefined };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`socket ${index}: no welcome within ${WELCOME_TIMEOUT_MS} ms`));
    }, WELCOME_TIMEOUT_MS);
    viewer.onWelcome = () => {
      clearTimeout(timer);
      viewer.onWelcome = undefined;
      viewer.open = true;
      resolve(viewer);
    };
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', token })));
    ws.on('message', (data) => onFrame(viewer, data));
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`socket ${index}: ${err.message}`));
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      if (viewer.open) closes[code] = (closes[code] ?? 0) + 1;
      viewer.open = false;
      reject(new Error(`socket ${index}: closed ${code}`));
    });
  });
}

async function open({ sockets, concurrency }) {
  const failed = [];
  for (let start = 0; start < sockets.length; start += concurrency) {
    const wave = sockets.slice(start, start + concurrency).map((spec, i) => openViewer(start + i, spec));
    for (const result of await Promise.allSettled(wave)) {
      if (result.status === 'fulfilled') viewers[result.value.index] = result.value;
      else failed.push(result.reason.message);
    }
  }
  return { event: 'opened', open: viewers.filter(Boolean).length, failed };
}

function startPace({ rate, phase }) {
  if (pace !== undefined && pace.rate === rate) {
    pace.phase = phase;
    return { event: 'pacing' };
  }
  if (pace !== undefined) clearInterval(pace.timer);
  pace = undefined;
  if (rate <= 0) return { event: 'pacing' };
  const posters = viewers.filter(Boolean);
  const started = { rate, phase, t0: performance.now(), k: 0, timer: undefined };
  started.timer = setInterval(() => {
    const now = performance.now();
    const due = Math.floor(((now - started.t0) * started.rate) / 1000) + 1;
    for (; started.k < due; started.k++) {
      const scheduledMs = started.t0 + (started.k * 1000) / started.rate;
      if (post(posters[started.k % posters.length], started.phase) && started.phase === 'm')
        sendLag.record((performance.now() - scheduledMs) * 1000);
    }
  }, PACE_TICK_MS);
  pace = started;
  return { event: 'pacing' };
}

function startFlood({ posters, window, phase }) {
  if (window <= 0) {
    flood = undefined;
    return { event: 'flooding' };
  }
  flood = { posters: posters.map((i) => viewers[i]).filter(Boolean), window, phase };
  for (const viewer of flood.posters) refill(viewer);
  return { event: 'flooding' };
}

/** The counts so far; `receivers`: sockets each measured post is to reach (undefined: the latency is over those that
 * arrived). */
function status({ receivers }) {
  const elu = performance.eventLoopUtilization();
  return {
    event: 'status',
    open: viewers.filter((v) => v?.open).length,
    sent,
    received,
    errors,
    closes,
    orderViolations,
    skippedPosts,
    latency: latency.summary(receivers === undefined ? undefined : (sent.m ?? 0) * receivers),
    sendLag: sendLag.summary(),
    /** Per socket: bench messages of phase m received, and of any phase. */
    measured: viewers.map((v) => v?.measured ?? 0),
    live: viewers.map((v) => v?.live ?? 0),
    outstanding: viewers.reduce((sum, v) => sum + (v?.outstanding ?? 0), 0),
    eventLoop: { activeMs: elu.active, idleMs: elu.idle },
  };
}

const ops = { open, pace: startPace, flood: startFlood, status };
const lines = createInterface({ input: process.stdin });
lines.on('close', () => process.exit(0));
// An exit of its own, so that a profile (--cpu-prof) is written when the parent stops it.
process.once('SIGTERM', () => process.exit(0));
let queue = Promise.resolve();
lines.on('line', (line) => {
  const command = JSON.parse(line);
  queue = queue.then(async () => emit(await ops[command.op](command)));
});
