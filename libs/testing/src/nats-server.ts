import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type TestProcess } from './process.js';
import { waitFor } from './wait.js';

/** A real nats-server with JetStream, on a port it picked itself, with its own data dir. */
export interface TestNats {
  /** "nats://127.0.0.1:<port>" */
  readonly url: string;
  /** The running server process (a new one after {@link restart}). */
  readonly process: TestProcess;
  /**
   * Stops the server (SIGTERM) and starts it again on the same port with the same data dir (JetStream store
   * kept), resolving once it accepts connections; connected clients reconnect by themselves.
   * @throws Error with the server's output when it does not come back within 10 s.
   */
  restart(): Promise<void>;
  /** Stops the server and removes its data dir. */
  stop(): Promise<void>;
}

/** Spawns nats-server on `port` (-1: its own pick) with `dir` as store and ports-file dir; resolves to its URL. */
async function spawnNats(dir: string, port: number): Promise<{ proc: TestProcess; url: string }> {
  for (const name of readdirSync(dir)) if (name.endsWith('.ports')) rmSync(join(dir, name));
  const proc = startProcess(process.env.NATS_SERVER_BIN ?? 'nats-server', [
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-js',
    '-sd',
    dir,
    '--ports_file_dir',
    dir,
  ]);
  const url = await waitFor(
    () => {
      if (proc.child.exitCode !== null) throw new Error(`nats-server exited:\n${proc.output()}`);
      const portsFile = readdirSync(dir).find((name) => name.endsWith('.ports'));
      if (!portsFile) return undefined;
      return (JSON.parse(readFileSync(join(dir, portsFile), 'utf8')) as { nats?: string[] }).nats?.[0];
    },
    { timeoutMs: 10_000, what: 'nats-server to write its ports file' },
  ).catch(async (err: unknown) => {
    await proc.stop();
    throw new Error(`${String(err)}\n${proc.output()}`);
  });
  return { proc, url };
}

/**
 * Starts nats-server (from PATH, or NATS_SERVER_BIN) with JetStream on a port the server binds itself (`-p -1`),
 * and resolves once its ports file (`--ports_file_dir`, written when it accepts connections) names the URL.
 * Binding its own port leaves no window in which another process can take it.
 * @throws Error with the server's output when it exits or writes no ports file within 10 s.
 */
export async function startNats(): Promise<TestNats> {
  const dir = mkdtempSync(join(tmpdir(), 'onair-nats-'));
  let current = await spawnNats(dir, -1).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  const { url } = current;
  return {
    url,
    get process() {
      return current.proc;
    },
    async restart() {
      await current.proc.stop();
      current = await spawnNats(dir, Number(new URL(url).port));
    },
    async stop() {
      await current.proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
