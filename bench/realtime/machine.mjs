import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, release } from 'node:os';

const ROOT = new URL('../../', import.meta.url).pathname;
/** Where the code measured comes from: a change there that is not committed makes the commit say less. */
const MEASURED_CODE = ['services', 'libs', 'proto'];
const run = (command, args) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * What a result depends on besides the code: CPUs, CPU model, kernel, load average at the start, date, the commit
 * and how many files under services/, libs/ and proto/ differ from it, and the versions of Node, nats-server, ws and
 * @nats-io/nats-core. (../ll-hls/machine.mjs also asks nginx, its rtmp module, ffmpeg and hls.js, which this bench
 * neither needs nor finds on every machine.)
 * @returns {Record<string, string | number>}
 */
export function describeMachine() {
  const require = createRequire(import.meta.url);
  return {
    cpus: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown',
    kernel: release(),
    loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    date: new Date().toISOString(),
    commit: run('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']).trim(),
    changedFiles: run('git', ['-C', ROOT, 'status', '--porcelain', '--', ...MEASURED_CODE])
      .split('\n')
      .filter(Boolean).length,
    node: process.version,
    natsServer: run('nats-server', ['--version']).trim().replace('nats-server: ', ''),
    ws: require('ws/package.json').version,
    // Its exports leave out package.json, so the file is read from where the package resolves.
    natsCore: JSON.parse(
      readFileSync(new URL('../package.json', `file://${require.resolve('@nats-io/nats-core')}`), 'utf8'),
    ).version,
  };
}
