import { fileURLToPath } from 'node:url';
import { startProcess, type TestProcess } from './process.js';
import { waitFor } from './wait.js';

/** Root of the checkout (where package.json with the workspaces is). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** An Onair service started from its build (services/<name>/dist/main.js). */
export interface TestService extends TestProcess {
  /** Parsed pino JSON lines so far. */
  logs(): Array<Record<string, unknown>>;
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
  await waitFor(
    () => {
      if (exited) throw new Error(`${name} exited:\n${proc.output()}`);
      return logs().some((l) => l.msg === 'started');
    },
    { timeoutMs, what: `${name} to start` },
  ).catch((err: unknown) => {
    void proc.stop();
    throw new Error(`${name} did not start: ${String(err)}\n${proc.output()}`);
  });
  return { ...proc, logs };
}
