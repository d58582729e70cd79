import type { Logger } from '@onair/runtime';
import type { Fmp4Item } from '../fmp4/fmp4-reader.js';
import { fragmentDurationFor } from './ffmpeg-command.js';
import { FfmpegRun, type RunExit } from './ffmpeg-run.js';
import type { TranscodedRendition } from './ladder.js';
import { RestartBudget } from './restart-budget.js';
import { RunOutput } from './run-output.js';

/** A run's input as the publish feeds it. */
export interface RunInput {
  /** Where the run's media starts on the publish's timeline, ms; undefined until it got media. */
  offsetMs(): number | undefined;
}

/** Options of {@link Transcoder}. */
export interface TranscoderOptions {
  /** ffmpeg binary (a name on PATH or a path). */
  ffmpegPath: string;
  /** The transcoded renditions, one ffmpeg output each. */
  ladder: readonly TranscodedRendition[];
  /** Private directory for the output sockets. */
  socketDir: string;
  /** A run id unique in `socketDir`. */
  nextRunId: () => string;
  /** Part Target Duration (rfc8216bis §4.4.3.7), ms. */
  partTargetMs: number;
  /** Largest fMP4 box accepted from ffmpeg, bytes. */
  maxBoxBytes: number;
  /** ffmpeg stderr lines logged (at debug) per run. */
  maxLoggedLines: number;
  /** How long an ffmpeg whose input ended may take to write what it holds before it is killed, ms. */
  flushTimeoutMs: number;
  /** ffmpeg restarts allowed per `restartWindowMs`; one more fails the transcodes. */
  maxRestarts: number;
  /** ms. */
  restartWindowMs: number;
  log: Logger;
  /** Feeds a new run the current publisher's media: `write` gets the run's input from now on. */
  attach: (write: (chunk: Buffer) => void) => RunInput;
  /** Stops feeding the current run. */
  detach: () => void;
  /** The current publisher's tracks, once known: a run restarted before that waits for {@link Transcoder.start}. */
  tracks: () => { audio: boolean; video: boolean } | undefined;
  /** An init segment or part of a run, in order; `offsetMs`: where the run's media starts on the publish's, ms. */
  onItem: (rendition: string, item: Fmp4Item, offsetMs: number) => void;
  /** A run ended and another follows: the renditions' media breaks here. Called after the run's last item. */
  onRunEnded: (renditions: readonly string[]) => void;
  /** ffmpeg exited more than `maxRestarts` times in `restartWindowMs`: the publish cannot go on. */
  onFailed: () => void;
  /** Runs a step nobody awaits (a run's end, held output), catching what it throws. */
  guard: (step: () => void) => void;
}

/** After ffmpeg exits, how long to wait for its outputs to drain, ms. */
const DRAIN_TIMEOUT_MS = 2000;
/** Beyond the flush and drain bounds, how long a run may still take before it is given up, ms. */
const SLACK_MS = 1000;

interface Current {
  readonly run: FfmpegRun;
  readonly output: RunOutput;
}

/**
 * The ffmpeg runs of one publish's transcoded renditions; one at a time is fed the publisher's media. A run that
 * exits while the publisher is there is restarted, within a budget. When a new publisher continues the publish the
 * run is not killed but its input ended, so ffmpeg encodes and writes every frame its encoders still hold (x264's
 * lookahead and frame threads: about a second of media), within `flushTimeoutMs`; those parts land before the
 * renditions' discontinuity, and the next run's output, held meanwhile, after it. The new run starts at once, so
 * two ffmpegs overlap while the old one flushes; a handover while one still flushes kills the run it replaces, so
 * never more than two work. The source rendition never comes here (it is repackaged in process).
 */
export class Transcoder {
  private current: Current | undefined;
  /** The newest run's output: the next run's goes after it. */
  private newest: RunOutput | undefined;
  /** Runs replaced by a new publisher's run, until they have flushed and their output is written. */
  private readonly flushing = new Map<FfmpegRun, Promise<void>>();
  private readonly budget: RestartBudget;
  private inputFormat: 'flv' | 'mp4' = 'flv';
  private ending = false;
  /** The transcoded renditions' names. */
  readonly renditions: readonly string[];

  constructor(private readonly o: TranscoderOptions) {
    this.budget = new RestartBudget(o.maxRestarts, o.restartWindowMs);
    this.renditions = o.ladder.map((e) => e.name);
  }

  /** Input bytes the current run has not taken yet. */
  get pendingBytes(): number {
    return this.current?.run.pendingBytes ?? 0;
  }

  /**
   * Starts a run on the current publisher's media, unless one runs or the transcodes are ending.
   * @param inputFormat what the run is fed: the publisher's FLV, or the source rendition's fMP4.
   */
  start(tracks: { audio: boolean; video: boolean }, inputFormat: 'flv' | 'mp4'): void {
    if (this.ending || this.current) return;
    this.inputFormat = inputFormat;
    this.startRun(tracks);
  }

  /**
   * A new publisher continues the publish: the current run's input ends and it flushes (killed after
   * `flushTimeoutMs`, or at once while an earlier run still flushes); its output is written, then `onRunEnded`, then
   * the output of the run {@link start} begins next.
   * @returns resolves once the replaced run's output and `onRunEnded` are written (within the flush's bound, never
   *   rejects); undefined when no run was there to replace.
   */
  handOver(): Promise<void> | undefined {
    const current = this.current;
    if (!current) return undefined;
    this.current = undefined;
    this.o.detach();
    const { run, output } = current;
    const startedAtMs = Date.now();
    let exited: Promise<RunExit>;
    if (this.flushing.size > 0) {
      run.kill();
      exited = run.finished;
    } else {
      exited = run.end(this.o.flushTimeoutMs);
    }
    const boundMs = this.o.flushTimeoutMs + DRAIN_TIMEOUT_MS + SLACK_MS;
    const flushed = within(exited, boundMs).then((exit) =>
      this.o.guard(() => {
        this.flushing.delete(run);
        if (exit === 'expired') {
          this.o.log.error({ boundMs }, 'ffmpeg did not finish in time');
          run.kill();
        } else {
          this.o.log.info({ outcome: exit.outcome, flushMs: Date.now() - startedAtMs }, 'replaced ffmpeg flushed');
        }
        output.end(() => this.o.onRunEnded(this.renditions));
      }),
    );
    this.flushing.set(run, flushed);
    return output.done;
  }

  /** Kills the current run and forgets its output not yet written: the renditions start over (no stream yet). */
  discard(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    this.o.detach();
    current.run.kill();
    current.output.discard();
  }

  /**
   * The publish ends. `flush`: the current run's input ends so ffmpeg writes what it holds (killed after
   * `flushTimeoutMs`); otherwise every run is killed. Resolves once every run has finished and its output is
   * written, or (logged) once the bound of a flush and a drain has passed; never rejects.
   */
  async end(flush: boolean): Promise<void> {
    this.ending = true;
    const current = this.current;
    this.current = undefined;
    if (!flush) for (const run of this.flushing.keys()) run.kill();
    let stopped: Promise<unknown> | undefined;
    if (current && flush) stopped = current.run.end(this.o.flushTimeoutMs);
    else if (current) {
      current.run.kill();
      stopped = current.run.finished;
    }
    const written = Promise.all([stopped, ...this.flushing.values()]).then(() => {
      current?.output.end(() => undefined);
      return this.newest?.done;
    });
    const boundMs = this.o.flushTimeoutMs + DRAIN_TIMEOUT_MS + SLACK_MS;
    if ((await within(written, boundMs)) === 'expired') this.o.log.error({ boundMs }, 'ffmpeg did not finish in time');
  }

  private startRun(tracks: { audio: boolean; video: boolean }): void {
    const output = new RunOutput(this.newest, this.o.guard);
    this.newest = output;
    const run: FfmpegRun = new FfmpegRun({
      ffmpegPath: this.o.ffmpegPath,
      ladder: this.o.ladder,
      tracks,
      socketDir: this.o.socketDir,
      runId: this.o.nextRunId(),
      fragmentDurationMs: fragmentDurationFor(this.o.partTargetMs),
      maxBoxBytes: this.o.maxBoxBytes,
      maxLoggedLines: this.o.maxLoggedLines,
      drainTimeoutMs: DRAIN_TIMEOUT_MS,
      log: this.o.log,
      inputFormat: this.inputFormat,
      onItem: (rendition, item) => {
        // Output comes only after the run was attached to its input below.
        const offsetMs = input.offsetMs() ?? 0;
        output.take(() => this.o.onItem(rendition, item, offsetMs));
      },
    });
    this.current = { run, output };
    const input = this.o.attach((chunk) => run.write(chunk));
    void run.finished.then((exit) => this.o.guard(() => this.onRunFinished(run, output, exit)));
  }

  /** The current run exited on its own while the publisher is there: restarted, within the budget. */
  private onRunFinished(run: FfmpegRun, output: RunOutput, exit: RunExit): void {
    if (this.current?.run !== run || this.ending) return;
    this.current = undefined;
    this.o.detach();
    if (!this.budget.take()) {
      this.o.log.error(
        { err: exit.err, outcome: exit.outcome, maxRestarts: this.o.maxRestarts, windowMs: this.o.restartWindowMs },
        'ffmpeg restart limit reached',
      );
      output.end(() => undefined);
      this.o.onFailed();
      return;
    }
    this.o.log.warn({ err: exit.err, outcome: exit.outcome }, 'ffmpeg restarting');
    output.end(() => this.o.onRunEnded(this.renditions));
    const tracks = this.o.tracks();
    if (tracks) this.startRun(tracks);
  }
}

/** What `promise` resolves to, or "expired" once `ms` have passed. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'expired'> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), ms)));
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
