import { WebSocket } from 'ws';
import { LatencyHistogram } from '../realtime/latency-histogram.mjs';

/** A poster that has no welcome this long after it was opened counts as failed, ms. */
const WELCOME_TIMEOUT_MS = 30_000;
/** How often the pace checks for posts due, ms (the schedule itself is exact; late posts catch up). */
const PACE_TICK_MS = 1;

/**
 * The posting side of the load: a few `ws` sockets, each with a viewer token, posting danmaku on a fixed schedule.
 * A post is `{"type":"danmaku","text":"D<phase> <sendUs> <k>"}`: the phase tag (`w` warm-up, `m` measured, `c`
 * after), the send time in µs of `performance.timeOrigin + performance.now()` (the monotonic clock, offset to the
 * epoch once per process; sample viewers in other load processes compare against their own) and k, the post's number
 * over the whole run, so that every text is distinct (nothing merges).
 */
export class Posters {
  /** @type {WebSocket[]} */
  #sockets = [];
  /** Posts sent, by phase tag. */
  sent = {};
  /** Error frames the posters got, by "code (message)", and posts not sent because their socket had closed. */
  errors = {};
  skipped = 0;
  /** How late each measured post went out against its schedule, µs. */
  sendLag = new LatencyHistogram();
  #k = 0;
  /** @type {{ rate: number, phase: string, t0: number, k: number, timer: NodeJS.Timeout } | undefined} */
  #pace;

  /**
   * Opens a poster per spec, says hello with its token and waits for each welcome.
   * @param {Array<{ url: string, token: string }>} specs
   * @returns {Promise<number>} posters open.
   * @throws Error naming the first that failed.
   */
  async open(specs) {
    this.#sockets = await Promise.all(specs.map((spec, i) => this.#openOne(i, spec)));
    return this.#sockets.length;
  }

  #openOne(index, { url, token }) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`poster ${index}: no welcome within ${WELCOME_TIMEOUT_MS} ms`));
      }, WELCOME_TIMEOUT_MS);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', token })));
      ws.on('message', (data) => {
        const text = data.toString('utf8');
        if (text.startsWith('{"v":1,"type":"welcome"')) {
          clearTimeout(timer);
          resolve(ws);
        } else if (text.startsWith('{"v":1,"type":"error"')) {
          const { code, message } = JSON.parse(text);
          const key = `${code} (${message})`;
          this.errors[key] = (this.errors[key] ?? 0) + 1;
        }
      });
      ws.on('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`poster ${index}: ${err.message}`));
      });
      ws.on('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`poster ${index}: closed ${code}`));
      });
    });
  }

  #post(phase) {
    const ws = this.#sockets[this.#k % this.#sockets.length];
    const k = this.#k++;
    if (ws.readyState !== WebSocket.OPEN) {
      this.skipped++;
      return false;
    }
    const sendUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
    ws.send(`{"type":"danmaku","text":"D${phase} ${sendUs} ${k}"}`);
    this.sent[phase] = (this.sent[phase] ?? 0) + 1;
    return true;
  }

  /**
   * Posts `rate` danmaku per second in all, the k-th at k / rate s after the first, from the posters in turn; a later
   * call at the same rate keeps the schedule and changes the tag; rate 0 stops.
   * @param {number} rate posts/s
   * @param {string} phase one character
   */
  pace(rate, phase) {
    if (this.#pace !== undefined && this.#pace.rate === rate) {
      this.#pace.phase = phase;
      return;
    }
    clearInterval(this.#pace?.timer);
    this.#pace = undefined;
    if (rate <= 0) return;
    const pace = { rate, phase, t0: performance.now(), k: 0, timer: undefined };
    pace.timer = setInterval(() => {
      const due = Math.floor(((performance.now() - pace.t0) * pace.rate) / 1000) + 1;
      for (; pace.k < due; pace.k++) {
        const scheduledMs = pace.t0 + (pace.k * 1000) / pace.rate;
        if (this.#post(pace.phase) && pace.phase === 'm') this.sendLag.record((performance.now() - scheduledMs) * 1000);
      }
    }, PACE_TICK_MS);
    this.#pace = pace;
  }
}
