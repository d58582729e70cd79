import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the docker CLI and returns its stdout. @throws Error with docker's stderr when it fails. */
export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Non-empty output lines. */
function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** What a compose project left on the engine: its containers, networks and volumes (by compose's labels). */
export interface ProjectLeftovers {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/** Lists every container (running or not), network and volume labelled with compose project `project`. */
export async function projectLeftovers(project: string): Promise<ProjectLeftovers> {
  const label = `label=com.docker.compose.project=${project}`;
  const [containers, networks, volumes] = await Promise.all([
    docker('ps', '-a', '--filter', label, '--format', '{{.Names}}'),
    docker('network', 'ls', '--filter', label, '--format', '{{.Name}}'),
    docker('volume', 'ls', '--filter', label, '--format', '{{.Name}}'),
  ]);
  return { containers: lines(containers), networks: lines(networks), volumes: lines(volumes) };
}

/** Exit code of each container of compose project `project`, keyed by compose service name. */
export async function exitCodes(project: string): Promise<Record<string, number>> {
  const ids = lines(await docker('ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`));
  const out = await docker(
    'inspect',
    '--format',
    '{{index .Config.Labels "com.docker.compose.service"}} {{.State.ExitCode}}',
    ...ids,
  );
  return Object.fromEntries(
    lines(out).map((l) => {
      const [service = '', code = ''] = l.split(' ');
      return [service, Number(code)];
    }),
  );
}

/**
 * Removes compose project `project` of `composeFiles` (one path, or several layered in order) with its volumes,
 * killing its containers at once: the cleanup for a `docker compose up` that failed before testcontainers handed
 * back an environment to down.
 */
export async function forceDown(composeFiles: string | readonly string[], project: string): Promise<void> {
  const files = (typeof composeFiles === 'string' ? [composeFiles] : composeFiles).flatMap((f) => ['-f', f]);
  await docker('compose', ...files, '-p', project, 'down', '--volumes', '--timeout', '0');
}

/**
 * Compose projects named `<prefix><pid>` whose process is gone: what an earlier run that was killed, or whose
 * hook timed out, left behind (without Ryuk nothing else removes them).
 */
export async function orphanedProjects(prefix: string): Promise<string[]> {
  const listed = JSON.parse(await docker('compose', 'ls', '--all', '--format', 'json')) as Array<{ Name: string }>;
  return listed
    .map((p) => p.Name)
    .filter((name) => name.startsWith(prefix) && !processAlive(Number(name.slice(prefix.length))));
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a Docker engine answers and `docker compose` (v2) is installed. */
export async function composeAvailable(): Promise<boolean> {
  try {
    await docker('info', '--format', '{{.ServerVersion}}');
    await docker('compose', 'version');
    return true;
  } catch {
    return false;
  }
}

/**
 * The demo room's stream key, from the log line ingest writes once when it creates the room (`demoStreamKey`),
 * read from whichever of the ingest containers `containerIds` created it.
 * @throws Error when none of them logged one.
 */
export async function demoStreamKey(containerIds: readonly string[]): Promise<string> {
  const logs = await Promise.all(containerIds.map((id) => docker('logs', id)));
  const created = logs.flatMap((l) => l.split('\n')).find((l) => l.includes('"demoStreamKey"'));
  if (!created) throw new Error(`ingest printed no demo stream key:\n${logs.join('\n')}`);
  return (JSON.parse(created) as { demoStreamKey: string }).demoStreamKey;
}

/**
 * A viewer token from `onair tokens issue` in container `containerId` (a chat container, which holds the development
 * secret danmaku and chat verify tokens with), for user `name` with `role`.
 */
export async function issueToken(containerId: string, name: string, role = 'viewer'): Promise<string> {
  const out = await docker(
    ...['exec', containerId],
    ...['onair', 'tokens', 'issue', '--user', name, '--name', name, '--role', role],
  );
  return out.trim();
}
