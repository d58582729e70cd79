import ffmpeg, { type FfmpegCommand } from 'fluent-ffmpeg';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import type { Logger } from '@onair/runtime';
import { Fmp4Reader, type Fmp4Item } from '../fmp4/fmp4-reader.js';
import { ffmpegOptions, type FfmpegCommandOptions } from './ffmpeg-command.js';
import type { TranscodedRendition } from './ladder.js';
import { listenOutputSockets, type OutputSockets } from './output-sockets.js';

/** Options of {@link FfmpegRun}. */
export interface FfmpegRunOptions {
  ffmpegPath: string;
  /** The transcoded renditions, one output each. */
  ladder: readonly TranscodedRendition[];
  tracks: { audio: boolean; video: boolean };
  /** What the run is fed: FLV, or fragmented MP4. @default "flv" */
  inputFormat?: 'flv' | 'mp4';
  /** Private directory for the output sockets. */
  socketDir: string;
  /** Unique among the runs sharing `socketDir`; names the sockets. */
  runId: string;
  /** ms. */
  fragmentDurationMs: number;
  /** Largest fMP4 box accepted from ffmpeg, bytes. */
  maxBoxBytes: number;
  /** ffmpeg stderr lines logged (at debug) per run; later ones are counted only. */
  maxLoggedLines: number;
  /** After ffmpeg exits, how long to wait for its outputs to drain, ms. */
  drainTimeoutMs: number;
  log: Logger;
  /** Each init segment and part, per rendition, in stream order. */
  onItem: (rendition: string, item: Fmp4Item) => void;
}

/** How a run ended. */
export interface RunExit {
  /** "exited" (status 0), "failed" (non-zero status, signal, spawn error) or "bad output" (malformed fMP4). */
  readonly outcome: 'exited' | 'failed' | 'bad output';
  readonly err?: Error;
}

/**
 * The fluent-ffmpeg command of {@link ffmpegOptions}: the only place fluent-ffmpeg is used, so swapping it out
 * touches this module alone.
 * @param input the FLV stream fed to ffmpeg's stdin.
 * @param keptLines lines of ffmpeg output fluent-ffmpeg keeps for its error messages.
 */
export function buildFfmpegCommand(
  o: FfmpegCommandOptions & { ffmpegPath: string; input: Readable; keptLines?: number },
): FfmpegCommand {
  const options = ffmpegOptions(o);
  const command = ffmpeg({ stdoutLines: o.keptLines ?? 20 })
    .setFfmpegPath(o.ffmpegPath)
    .input(o.input)
    .inputFormat(options.inputFormat)
    .inputOptions([...options.inputOptions]);
  for (const output of options.outputs) command.output(output.url).outputOptions([...output.options]);
  return command;
}

/** Longest stderr line logged, characters. */
const MAX_LINE = 500;

/**
 * One ffmpeg process of a live stream, driven through fluent-ffmpeg: FLV written to {@link FfmpegRun.write}
 * reaches its stdin; each rendition's fragmented MP4 comes back over its own unix socket and is read into
 * init segments and parts. `finished` resolves once ffmpeg has exited and its outputs are drained.
 */
export class FfmpegRun {
  /** Resolves once, with how the run ended; never rejects. */
  readonly finished: Promise<RunExit>;
  private readonly input = new PassThrough();
  private command: FfmpegCommand | undefined;
  private killed = false;
  private badOutput: Error | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private readonly openSockets = new Set<Socket>();

  constructor(private readonly o: FfmpegRunOptions) {
    this.input.on('error', () => undefined);
    this.finished = this.run();
  }

  /** Bytes written and not yet taken by ffmpeg. */
  get pendingBytes(): number {
    return this.input.writableLength + this.input.readableLength;
  }

  /** Queues FLV bytes for ffmpeg's stdin. */
  write(chunk: Buffer): void {
    if (!this.input.writableEnded) this.input.write(chunk);
  }

  /** Closes stdin so ffmpeg flushes and exits; kills it after `graceMs`. Resolves as `finished`. */
  end(graceMs: number): Promise<RunExit> {
    if (!this.input.writableEnded) this.input.end();
    this.stopTimer ??= setTimeout(() => this.kill(), graceMs);
    return this.finished;
  }

  /** Kills ffmpeg (SIGKILL), or keeps it from starting. */
  kill(): void {
    this.killed = true;
    this.process()?.kill('SIGKILL');
  }

  private async run(): Promise<RunExit> {
    const log = this.o.log;
    let sockets: OutputSockets | undefined;
    try {
      sockets = await listenOutputSockets(this.o.socketDir, this.o.runId, this.o.ladder.length);
      if (this.killed) return { outcome: 'failed', err: new Error('killed before start') };
      const readers = sockets.outputs.map((s, i) => this.readOutput(s.connection, i));
      const exit = await this.spawn(sockets.outputs.map((s) => s.url));
      sockets.close();
      await drain(readers, this.o.drainTimeoutMs);
      for (const socket of this.openSockets) socket.destroy();
      if (this.badOutput) return { outcome: 'bad output', err: this.badOutput };
      return exit;
    } catch (err) {
      log.error({ err }, 'ffmpeg could not start');
      return { outcome: 'failed', err: err as Error };
    } finally {
      clearTimeout(this.stopTimer);
      sockets?.close();
      this.input.destroy();
    }
  }

  /** Starts ffmpeg; resolves when it has exited (fluent-ffmpeg's "end" or "error"). */
  private spawn(urls: string[]): Promise<RunExit> {
    const { log, maxLoggedLines } = this.o;
    const command = buildFfmpegCommand({ ...this.o, input: this.input, outputs: urls });
    this.command = command;
    let lines = 0;
    return new Promise<RunExit>((resolve) => {
      command.on('start', (commandLine: string) => {
        log.info({ pid: this.process()?.pid, commandLine }, 'ffmpeg started');
        if (this.killed) this.kill();
      });
      command.on('stderr', (line: string) => {
        if (++lines <= maxLoggedLines) log.debug({ line: line.slice(0, MAX_LINE) }, 'ffmpeg stderr');
      });
      command.on('end', () => {
        log.info({ stderrLines: lines }, 'ffmpeg exited');
        resolve({ outcome: 'exited' });
      });
      command.on('error', (err: Error) => {
        // Killed on purpose (a stall, a new publisher, a flush that ran out of time): not a failure of ffmpeg's.
        if (this.killed) log.info({ stderrLines: lines }, 'ffmpeg killed');
        else log.warn({ err, stderrLines: lines }, 'ffmpeg failed');
        resolve({ outcome: 'failed', err });
      });
      command.run();
    });
  }

  /** Reads one rendition's output; resolves when its socket has closed (at once when nobody connected). */
  private async readOutput(connection: Promise<Socket | undefined>, index: number): Promise<void> {
    const rendition = this.o.ladder[index]?.name ?? String(index);
    const socket = await connection;
    if (!socket) return;
    this.openSockets.add(socket);
    const reader = new Fmp4Reader(this.o.maxBoxBytes);
    socket.on('data', (chunk: Buffer) => {
      if (this.badOutput) return;
      try {
        for (const item of reader.push(chunk)) this.o.onItem(rendition, item);
      } catch (err) {
        this.badOutput = err as Error;
        this.o.log.error({ err, rendition }, 'ffmpeg output unreadable');
        this.kill();
      }
    });
    socket.on('error', (err) => this.o.log.warn({ err, rendition }, 'ffmpeg output socket failed'));
    await new Promise((resolve) => socket.once('close', resolve));
    this.openSockets.delete(socket);
  }

  /**
   * fluent-ffmpeg keeps the spawned ChildProcess on the command as `ffmpegProc` (processor.js, set before it
   * emits "start"); its typings do not declare it. Read for the pid and for a kill before "start".
   */
  private process(): ChildProcess | undefined {
    return (this.command as { ffmpegProc?: ChildProcess } | undefined)?.ffmpegProc;
  }
}

/** Waits up to `timeoutMs` for the outputs to close; destroys what is still open then. */
async function drain(readers: Promise<void>[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  await Promise.race([Promise.allSettled(readers), timeout]);
  clearTimeout(timer);
}
