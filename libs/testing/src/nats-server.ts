import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type TestProcess } from './process.js';
import { waitFor } from './wait.js';

/** A real nats-server with JetStream, on a port it picked itself, with its own data dir. */
export interface TestNats {
  /** "nats://127.0.0.1:<port>" */
  readonly url: string;
  readonly process: TestProcess;
  /** Stops the server and removes its data dir. */
  stop(): Promise<void>;
}

/**
 * Starts nats-server (from PATH, or NATS_SERVER_BIN) with JetStream on a port the server binds itself (`-p -1`),
 * and resolves once its ports file (`--ports_file_dir`, written when it accepts connections) names the URL.
 * Binding its own port leaves no window in which another process can take it.
 * @throws Error with the server's output when it exits or writes no ports file within 10 s.
 */
export async function startNats(): Promise<TestNats> {
  const dir = mkdtempSync(join(tmpdir(), 'onair-nats-'));
  const proc = startProcess(process.env.NATS_SERVER_BIN ?? 'nats-server', [
    '-a',
    '127.0.0.1',
    '-p',
    '-1',
    '-js',
    '-sd',
    dir,
    '--ports_file_dir',
    dir,
  ]);
  const stop = async (): Promise<void> => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const url = await waitFor(
    () => {
      if (proc.child.exitCode !== null) throw new Error(`nats-server exited:\n${proc.output()}`);
      const portsFile = readdirSync(dir).find((name) => name.endsWith('.ports'));
      if (!portsFile) return undefined;
      return (JSON.parse(readFileSync(join(dir, portsFile), 'utf8')) as { nats?: string[] }).nats?.[0];
    },
    { timeoutMs: 10_000, what: 'nats-server to write its ports file' },
  ).catch(async (err: unknown) => {
    await stop();
    throw new Error(`${String(err)}\n${proc.output()}`);
  });
  return { url, process: proc, stop };
}
