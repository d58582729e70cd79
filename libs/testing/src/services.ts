import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, retryWhilePortTaken } from './ports.js';
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

/** The Node.js options a service ships with: `onair.nodeArgs` of its package.json (as its Dockerfile CMD runs it). */
function nodeArgs(name: string): string[] {
  const pkg = JSON.parse(readFileSync(`${REPO_ROOT}services/${name}/package.json`, 'utf8')) as {
    onair?: { nodeArgs?: string[] };
  };
  return pkg.onair?.nodeArgs ?? [];
}

/**
 * Starts `services/<name>/dist/main.js` with `env`, and the Node.js options the service ships with, and waits until
 * it logs `{"msg":"started"}`.
 * @throws Error with the process output when it exits or does not start within `timeoutMs`.
 */
export async function startService(name: string, env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<TestService> {
  const proc = startProcess(process.execPath, [...nodeArgs(name), `${REPO_ROOT}services/${name}/dist/main.js`], env);
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

/**
 * Starts the monitoring service polling `targets` ("name=host:port" each) and itself on loopback, with `env` added
 * (MONITORING_POLL_MS and the like). Monitoring polls its own gRPC port, so it is told that port in advance: it is
 * picked with {@link freePort} and the start is retried on a new one if another process took it first.
 * @throws Error with the process output when it does not start within `timeoutMs`.
 */
export async function startMonitoring(
  targets: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs?: number,
): Promise<TestService> {
  return retryWhilePortTaken(async () => {
    const grpcPort = await freePort();
    const monitoring = await startService(
      'monitoring',
      {
        MONITORING_HOST: '127.0.0.1',
        MONITORING_HTTP_PORT: '0',
        MONITORING_GRPC_PORT: String(grpcPort),
        MONITORING_TARGETS: [...targets, `monitoring=127.0.0.1:${grpcPort}`].join(','),
        ...env,
      },
      timeoutMs,
    );
    if (monitoring.port('grpcPort') !== grpcPort) {
      await monitoring.stop();
      throw new Error(`monitoring bound gRPC port ${monitoring.port('grpcPort')}, not ${grpcPort}`);
    }
    return monitoring;
  });
}
