import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The compose project of the soak, apart from an operator's own and from the e2e suites'. */
export const PROJECT = 'onair-soak';
/** The cluster files, and the soak's own layer that turns the post limits off (limits-off.yml). */
const FILES = [
  ...['-f', 'docker-compose.yml', '-f', 'deploy/compose/cluster.yml', '-f', 'bench/soak/limits-off.yml'],
  ...['-p', PROJECT],
];
/** The soak's environment: images of its own, the source rendition only (no transcode: 20 publishes on 2 cores). */
const ENV = { ...process.env, ONAIR_IMAGE_TAG: 'soak', ONAIR_LADDER: 'source' };

/** Runs `docker compose` on the cluster files and returns its stdout. @throws Error with compose's stderr. */
export async function compose(...args) {
  const { stdout } = await run('docker', ['compose', ...FILES, ...args], {
    cwd: ROOT,
    env: ENV,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Builds the images and brings the cluster up, waiting for every health check (`up --wait`). */
export async function clusterUp() {
  await compose('up', '-d', '--build', '--wait', '--wait-timeout', '600');
}

/** Stops the cluster and removes its containers, networks and volumes. */
export async function clusterDown() {
  await compose('down', '--volumes', '--timeout', '10');
}

/**
 * Creates room `room` on ingest-1 with `onair rooms create`.
 * @returns {Promise<string>} its stream key.
 */
export async function createRoom(room) {
  const out = await compose('exec', '-T', 'ingest-1', 'onair', '--json', 'rooms', 'create', room);
  return JSON.parse(out).streamKey;
}

/** A viewer token for `user` from `onair tokens issue` in chat-1, signed with the compose development secret. */
export async function issueToken(user) {
  const out = await compose(
    ...['exec', '-T', 'chat-1', 'onair', 'tokens', 'issue'],
    ...['--user', user, '--name', user, '--role', 'viewer', '--ttl', '6h'],
  );
  return out.trim();
}

const UNITS = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1e3, MB: 1e6, GB: 1e9 };

/**
 * Memory and CPU of every running container of the project (`docker stats --no-stream`).
 * @returns {Promise<Record<string, { memBytes: number, cpuPercent: number }>>} keyed by compose service name.
 */
export async function containerStats() {
  const { stdout } = await run('docker', ['stats', '--no-stream', '--format', '{{json .}}'], { maxBuffer: 1 << 24 });
  const stats = {};
  for (const line of stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const s = JSON.parse(line);
    if (!s.Name.startsWith(`${PROJECT}-`)) continue;
    const [, value, unit] = /^([\d.]+)\s*([A-Za-z]+)/.exec(s.MemUsage) ?? [];
    const service = s.Name.slice(PROJECT.length + 1).replace(/-1$/, '');
    stats[service] = { memBytes: Number(value) * (UNITS[unit] ?? 1), cpuPercent: parseFloat(s.CPUPerc) };
  }
  return stats;
}

/**
 * The address of HAProxy's container on the compose network: reachable from the host without Docker's userland
 * proxy, which published ports go through on loopback and which refuses connections at about a thousand viewers.
 */
export async function haproxyAddress() {
  const id = (await compose('ps', '-q', 'haproxy')).trim();
  const { stdout } = await run('docker', [
    'inspect',
    '-f',
    '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
    id,
  ]);
  return stdout.trim();
}
