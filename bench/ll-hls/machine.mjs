import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, release } from 'node:os';

const run = (command, args) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * What a result depends on besides the code: CPUs (`nproc`), CPU model (/proc/cpuinfo), kernel, date, the commit
 * (`git rev-parse --short HEAD`), and the versions of Node, nginx and its rtmp module, ffmpeg and hls.js.
 * (Chromium's version comes from the browser itself.)
 * @returns {Record<string, string>}
 */
export function describeMachine() {
  const root = new URL('../../', import.meta.url).pathname;
  const hlsJs = createRequire(import.meta.url)('hls.js/package.json').version;
  return {
    cpus: String(availableParallelism()),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown',
    kernel: release(),
    date: new Date().toISOString(),
    commit: run('git', ['-C', root, 'rev-parse', '--short', 'HEAD']).trim(),
    node: process.version,
    nginx: run('sh', ['-c', 'nginx -v 2>&1']).trim().replace('nginx version: ', ''),
    nginxRtmp: run('dpkg-query', ['-W', '-f', '${Version}', 'libnginx-mod-rtmp']),
    ffmpeg: run('ffmpeg', ['-version']).split('\n')[0].replace('ffmpeg version ', '').split(' ')[0],
    hlsJs,
  };
}
