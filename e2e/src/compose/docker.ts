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
 * Removes compose project `project` of `composeFile` with its volumes, killing its containers at once: the cleanup
 * for a `docker compose up` that failed before testcontainers handed back an environment to down.
 */
export async function forceDown(composeFile: string, project: string): Promise<void> {
  await docker('compose', '-f', composeFile, '-p', project, 'down', '--volumes', '--timeout', '0');
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
