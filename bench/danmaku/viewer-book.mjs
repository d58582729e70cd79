import { LatencyHistogram } from '../realtime/latency-histogram.mjs';
import { PREFIX_BYTES } from './raw-socket.mjs';

/** How a batch of room frames starts, up to its first item's seq (libs/realtime room-batch.ts, stream-bus.ts). */
const BATCH_MARK = Buffer.from('{"v":1,"type":"batch","items":[{"seq":');
/** How a single room frame starts. */
const SEQ_MARK = Buffer.from('{"seq":');
/** The phase tag of the measured posts (see posters.mjs). */
const MEASURED = 'm';
const DIGIT_0 = 48;
const DIGIT_9 = 57;

/** The decimal integer at `at` of `bytes` (up to `end`). */
function readInt(bytes, at, end) {
  let value = 0;
  for (let i = at; i < end && bytes[i] >= DIGIT_0 && bytes[i] <= DIGIT_9; i++) value = value * 10 + bytes[i] - DIGIT_0;
  return value;
}

function startsWith(bytes, length, mark) {
  if (length < mark.length + 1) return false;
  for (let i = 0; i < mark.length; i++) if (bytes[i] !== mark[i]) return false;
  return true;
}

/**
 * The seq of the first room frame a frame carries (a batch's first item, or a single room frame), from the frame's
 * first bytes; undefined for a frame that carries none (welcome, presence, error).
 * @param {Buffer} prefix the payload's first bytes.
 * @param {number} length how many of them there are.
 */
export function firstSeqOf(prefix, length) {
  if (startsWith(prefix, length, BATCH_MARK)) return readInt(prefix, BATCH_MARK.length, length);
  if (startsWith(prefix, length, SEQ_MARK)) return readInt(prefix, SEQ_MARK.length, length);
  return undefined;
}

/**
 * @typedef {object} SampleCounts what one sample viewer checked.
 * @property {number} measured distinct measured posts received.
 * @property {number} duplicates measured posts received again.
 * @property {number} missingSeqs seqs skipped between consecutive room frames (the bench room's seqs are
 *   consecutive: it is the only room of the stream).
 * @property {number} orderViolations room frames whose seq was not above the one before.
 */

/**
 * What the viewers of one load process received: sample viewers parse every frame (JSON.parse: seq, the post text
 * with its send time) and time and check what they get; the others ({@link ViewerBook.counter}) read only each
 * frame's first seq.
 */
export class ViewerBook {
  /** Receive − send of every measured post a sample viewer got, µs. */
  latency = new LatencyHistogram();
  /** @type {Array<ReturnType<ViewerBook['sample']>>} */
  samples = [];
  /** @type {Array<ReturnType<ViewerBook['counter']>>} */
  counters = [];
  /** Error frames by code; frames without a seq besides welcomes (presence, room_state outside the stream). */
  errors = {};
  otherFrames = 0;

  /**
   * A sample viewer: its `onFrame` takes a whole frame's payload.
   * @param {() => void} onWelcome
   */
  sample(onWelcome) {
    const seen = new Set();
    const viewer = { measured: 0, duplicates: 0, missingSeqs: 0, orderViolations: 0, items: 0, lastSeq: 0 };
    const onFrame = (payload) => {
      const nowUs = (performance.timeOrigin + performance.now()) * 1000;
      const frame = JSON.parse(payload.toString('utf8'));
      const items = frame.type === 'batch' ? frame.items : typeof frame.seq === 'number' ? [frame] : undefined;
      if (items === undefined) return this.#other(frame, onWelcome);
      for (const item of items) {
        if (viewer.lastSeq > 0 && item.seq !== viewer.lastSeq + 1) {
          if (item.seq <= viewer.lastSeq) viewer.orderViolations++;
          else viewer.missingSeqs += item.seq - viewer.lastSeq - 1;
        }
        viewer.lastSeq = item.seq;
        viewer.items++;
        if (item.type !== 'danmaku' || !item.text.startsWith(`D${MEASURED} `)) continue;
        const [, sendUs, k] = item.text.split(' ');
        if (seen.has(k)) viewer.duplicates++;
        else {
          seen.add(k);
          viewer.measured++;
          this.latency.record(Math.max(0, nowUs - Number(sendUs)));
        }
      }
    };
    this.samples.push(viewer);
    return { viewer, onFrame };
  }

  /**
   * A viewer that counts: `onWhole` takes a whole frame (until its welcome), `onPrefix` a frame's first bytes. It
   * reads each frame's first seq only: the bench room's seqs are consecutive and every item of it reaches every
   * viewer (no sampling, distinct texts), so the items of its frames so far are the last frame's first seq minus the
   * first frame's (the last frame's own items are counted with the next one). A first seq not above the one before
   * is out of order; gaps are not seen here (the samples check them).
   * @param {() => void} onWelcome
   */
  counter(onWelcome) {
    const viewer = { items: 0, orderViolations: 0, firstSeq: 0, lastSeq: 0 };
    const onPrefix = (prefix, prefixLength) => {
      const seq = firstSeqOf(prefix, prefixLength);
      if (seq === undefined) {
        this.otherFrames++;
        return;
      }
      if (viewer.firstSeq === 0) viewer.firstSeq = seq;
      else if (seq <= viewer.lastSeq) viewer.orderViolations++;
      else viewer.items = seq - viewer.firstSeq;
      viewer.lastSeq = seq;
    };
    const onWhole = (payload) => {
      if (firstSeqOf(payload, Math.min(payload.length, PREFIX_BYTES)) !== undefined)
        return onPrefix(payload, Math.min(payload.length, PREFIX_BYTES));
      this.#other(JSON.parse(payload.toString('utf8')), onWelcome);
    };
    this.counters.push(viewer);
    return { viewer, onWhole, onPrefix };
  }

  #other(frame, onWelcome) {
    if (frame.type === 'welcome') onWelcome();
    else if (frame.type === 'error') this.errors[frame.code] = (this.errors[frame.code] ?? 0) + 1;
    else this.otherFrames++;
  }
}
