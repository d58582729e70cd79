import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a headless VLC run showed, from its `-vv` log. */
export interface VlcRun {
  /** VLC's exit code (null when killed on the timeout). */
  readonly exitCode: number | null;
  /** Wall time of the run, ms. */
  readonly elapsedMs: number;
  /** Paths of every HTTP GET it sent, in order. */
  readonly requested: string[];
  /** The video decoder put out a picture ("Received first picture"). */
  readonly firstPicture: boolean;
  /** The input reached its end ("EOF reached"). */
  readonly eof: boolean;
  /** Error lines of the log, less those of the interfaces a headless run cannot open (D-Bus, hotkeys). */
  readonly errors: string[];
}

/** Unprivileged uid VLC runs as when the test runs as root: VLC refuses root, `vlc-wrapper` drops to SUDO_UID. */
const NOBODY_UID = '65534';

/**
 * Plays `url` in Debian's VLC 3 with no window and no sound (dummy interface, video and audio outputs) at `rate`
 * times real time until it ends (`--play-and-exit`), with a debug log (`-vv`). As root it goes through
 * `vlc-wrapper` as user nobody; its HOME is a temporary directory removed afterwards.
 * @param rate playback speed (VLC `--rate`); a VOD of d s takes about d / rate s.
 */
export async function playInVlc(url: string, rate: number, timeoutMs: number): Promise<VlcRun> {
  const home = await mkdtemp(join(tmpdir(), 'onair-vlc-'));
  await chmod(home, 0o777);
  const root = process.getuid?.() === 0;
  const args = ['-I', 'dummy', '--play-and-exit', '--rate', String(rate), '--vout', 'dummy', '--aout', 'dummy'];
  const started = Date.now();
  try {
    const { code, log } = await new Promise<{ code: number | null; log: string }>((resolve) => {
      execFile(
        root ? 'vlc-wrapper' : 'vlc',
        [...args, '-vv', url],
        {
          env: { ...process.env, HOME: home, ...(root ? { SUDO_UID: NOBODY_UID } : {}) },
          timeout: timeoutMs,
          maxBuffer: 64 * 1024 * 1024,
        },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
          resolve({ code, log: `${stdout}${stderr}` });
        },
      );
    });
    const lines = log.split('\n');
    return {
      exitCode: code,
      elapsedMs: Date.now() - started,
      requested: lines.flatMap((l) => /^GET (\S+) HTTP\//.exec(l)?.[1] ?? []),
      firstPicture: lines.some((l) => l.includes('Received first picture')),
      eof: lines.some((l) => l.includes('EOF reached')),
      errors: lines.filter((l) => / error: /.test(l) && !/interface|initialization failed/.test(l)),
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
