import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, retryWhilePortTaken, startProcess, waitFor } from '@onair/testing';
import { onCleanup } from '../ll-hls/cleanup.mjs';
import { acceptsConnections } from '../ll-hls/nginx.mjs';

/** Debian's libnginx-mod-rtmp. */
const RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

/**
 * nginx.conf of the peer: one worker; application `live` with `live on` and nothing else (no HLS, no recording),
 * so that it costs what taking RTMP publishes costs; an http server whose only location is `/stat` (the rtmp
 * module's `rtmp_stat all`, XML), which tells whether each stream is still receiving.
 */
function nginxConfig({ dir, rtmpPort, httpPort, connections }) {
  return `load_module ${RTMP_MODULE};
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections ${connections}; }
rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    chunk_size 4096;
    application live {
      live on;
      record off;
    }
  }
}
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${httpPort};
    location /stat { rtmp_stat all; }
  }
}
`;
}

/**
 * @typedef {object} NginxRtmp
 * @property {number} rtmpPort
 * @property {string} statUrl `http://127.0.0.1:<httpPort>/stat`.
 * @property {number} workerPid the one worker process, which serves every connection.
 * @property {() => Promise<void>} stop stops nginx and removes its folder.
 */

/**
 * Starts Debian's nginx with the rtmp module from a config in a temporary folder (`nginx -p <dir> -c
 * <dir>/nginx.conf -g 'daemon off;'`) under `taskset -c <cpu>` (its worker inherits the CPU), on loopback ports
 * picked free (a start that loses a port to another process is retried on new ones).
 * @param {{ cpu: number, streams: number }} options streams: publishes it must hold at once.
 * @returns {Promise<NginxRtmp>}
 * @throws Error with nginx's error log when it exits or does not listen within 10 s.
 */
export async function startNginxRtmp({ cpu, streams }) {
  if (!existsSync(RTMP_MODULE)) throw new Error(`${RTMP_MODULE} missing: apt-get install libnginx-mod-rtmp`);
  return retryWhilePortTaken(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-bench-nginx-'));
    const [rtmpPort, httpPort] = [await freePort(), await freePort()];
    const connections = Math.max(1024, 2 * streams + 64);
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig({ dir, rtmpPort, httpPort, connections }));
    const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'];
    const proc = startProcess('taskset', ['-c', String(cpu), 'nginx', ...args]);
    const stop = onCleanup(async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const listening = async () => (await acceptsConnections(rtmpPort)) && acceptsConnections(httpPort);
    const outcome = await waitFor(async () => (proc.child.exitCode !== null ? 'exited' : listening()), {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'nginx to listen',
    }).catch(() => 'timed out');
    if (outcome !== true) {
      const errorLog = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
      const log = `${proc.output()}${errorLog}`;
      await stop();
      throw new Error(`nginx did not start (${outcome})${log.includes('Address already in use') ? ' EADDRINUSE' : ''}:
${log}`);
    }
    const workers = execFileSync('pgrep', ['-P', String(proc.child.pid), '-f', 'worker process'], { encoding: 'utf8' });
    return {
      rtmpPort,
      statUrl: `http://127.0.0.1:${httpPort}/stat`,
      workerPid: Number(workers.trim().split('\n')[0]),
      stop,
    };
  });
}
