import { fileURLToPath } from 'node:url';
import { startProcess, type TestProcess } from './process.js';
import { waitFor } from './wait.js';

/** Root of the checkout (where package.json with the workspaces is). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** An Onair service started from its build (services/<name>/dist/main.js). */
export interface TestService extends TestProcess {
  /** Parsed pino JSON lines so far. */
  logs(): Array<Record<string, unknown>>;
  /** The service's `started` log line (it carries the bound ports). */
  readonly started: Readonly<Record<string, unknown>>;
  /**
   * A port the service bound, by its field in the `started` line (e.g. "grpcPort").
   * @throws Error when the line has no such numeric field.
   */
  port(field: string): number;
}

/**
 * Starts `services/<name>/dist/main.js` with `env` and waits until it logs `{"msg":"started"}`.
 * @throws Error with the process output when it exits or does not start within `timeoutMs`.
 */
export async function startService(name: string, env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<TestService> {
  const proc = startProcess(process.execPath, [`${REPO_ROOT}services/${name}/dist/main.js`], env);
  const logs = (): Array<Record<string, unknown>> =>
    proc
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  let exited = false;
  void proc.exited.then(() => (exited = true));
  const started = await waitFor(
    () => {
      if (exited) throw new Error(`${name} exited:\n${proc.output()}`);
      return logs().find((l) => l.msg === 'started');
    },
    { timeoutMs, what: `${name} to start` },
  ).catch((err: unknown) => {
    void proc.stop();
    throw new Error(`${name} did not start: ${String(err)}\n${proc.output()}`);
  });
  const port = (field: string): number => {
    const value = started[field];
    if (typeof value !== 'number') throw new Error(`${name} logged no ${field} in its started line`);
    return value;
  };
  return { ...proc, logs, started, port };
}
