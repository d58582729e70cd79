import { spawn, type ChildProcess } from 'node:child_process';

/** A child process started by a test, with its output kept for assertions and failure reports. */
export interface TestProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves to the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. @default graceMs 5000 */
  stop(graceMs?: number): Promise<number | string>;
}

/** Spawns `command` with `args`, capturing its output. */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}): TestProcess {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
    child.once('error', () => resolve(-1));
  });
  return {
    child,
    output: () => out,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
}
