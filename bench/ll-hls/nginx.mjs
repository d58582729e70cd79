import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, retryWhilePortTaken, startProcess, waitFor } from '@onair/testing';
import { onCleanup } from './cleanup.mjs';

/** Debian's libnginx-mod-rtmp. */
const RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

/**
 * nginx.conf for the peer: one worker; the rtmp block (when `rtmpPort` is set) takes live publishes to
 * application `live` and writes HLS (MPEG-TS segments of 2 s at keyframes, a 12 s playlist like Onair's window of
 * 6 segments) under `<dir>/html/hls`; the http block serves `<dir>/html` as static files the way nginx serves
 * them best (sendfile, tcp_nopush, open_file_cache — except under /hls/, where nginx-rtmp renames new playlists
 * into place —, no access log, keep-alive for the whole run) with CORS for hls.js.
 * @param {{ dir: string, httpPort: number, rtmpPort?: number }} options
 * @returns {string}
 */
function nginxConfig({ dir, httpPort, rtmpPort }) {
  const rtmpBlock = rtmpPort
    ? `
rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    chunk_size 4096;
    application live {
      live on;
      record off;
      hls on;
      hls_path ${dir}/html/hls;
      hls_fragment 2s;
      hls_playlist_length 12s;
    }
  }
}`
    : '';
  return `${rtmpPort ? `load_module ${RTMP_MODULE};` : ''}
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
${rtmpBlock}
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=100;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  types {
    application/vnd.apple.mpegurl m3u8;
    video/mp2t ts;
    video/mp4 mp4 m4s;
  }
  server {
    listen 127.0.0.1:${httpPort};
    root ${dir}/html;
    add_header Access-Control-Allow-Origin * always;
    location /hls/ {
      # nginx-rtmp replaces the playlist by rename: a cached descriptor would serve the old one for a minute.
      open_file_cache off;
      add_header Cache-Control no-cache;
      add_header Access-Control-Allow-Origin * always;
    }
  }
}
`;
}

/**
 * @typedef {object} Nginx
 * @property {number} httpPort
 * @property {number | undefined} rtmpPort
 * @property {number} pid the master process.
 * @property {() => number} workerPid the one worker process, which serves every connection.
 * @property {(path: string) => string} url `http://127.0.0.1:<httpPort><path>`.
 * @property {(path: string, body: Buffer) => void} writeFile puts a file under the html root, `path` relative to it.
 * @property {() => Promise<void>} stop stops nginx and removes its folder.
 */

/** Resolves true when something accepts TCP connections on 127.0.0.1:`port`, false when the connection fails. */
export function acceptsConnections(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts Debian's nginx from a config generated in a temporary folder (`nginx -p <dir> -c <dir>/nginx.conf -e
 * <dir>/error.log -g 'daemon off;'`), on loopback ports picked free (nginx must be told its ports; a start that
 * loses a port to another process is retried on new ones), with the rtmp module when `rtmp` is set, and pinned
 * to `cpu` with taskset when given (its worker inherits it).
 * @param {{ rtmp: boolean, cpu?: number }} options
 * @returns {Promise<Nginx>}
 * @throws Error with nginx's error log when it exits or does not listen within 10 s.
 */
export async function startNginx({ rtmp, cpu }) {
  if (rtmp && !existsSync(RTMP_MODULE)) throw new Error(`${RTMP_MODULE} missing: apt-get install libnginx-mod-rtmp`);
  return retryWhilePortTaken(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-bench-nginx-'));
    mkdirSync(join(dir, 'html', 'hls'), { recursive: true });
    mkdirSync(join(dir, 'tmp'));
    const removeDir = () => rmSync(dir, { recursive: true, force: true });
    const httpPort = await freePort();
    const rtmpPort = rtmp ? await freePort() : undefined;
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig({ dir, httpPort, rtmpPort }));
    const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'];
    const proc =
      cpu === undefined ? startProcess('nginx', args) : startProcess('taskset', ['-c', String(cpu), 'nginx', ...args]);
    const stop = onCleanup(async () => {
      await proc.stop();
      removeDir();
    });
    const errorLog = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
    try {
      await waitFor(
        async () => {
          if (proc.child.exitCode !== null) throw new Error('nginx exited');
          return (await acceptsConnections(httpPort)) && (!rtmpPort || (await acceptsConnections(rtmpPort)));
        },
        { timeoutMs: 10_000, intervalMs: 50, what: 'nginx to listen' },
      );
    } catch (err) {
      const log = `${proc.output()}${errorLog()}`;
      await stop();
      throw new Error(`nginx did not start${log.includes('Address already in use') ? ' (EADDRINUSE)' : ''}:\n${log}`, {
        cause: err,
      });
    }
    return {
      httpPort,
      rtmpPort,
      pid: proc.child.pid,
      workerPid: () => {
        const pids = execFileSync('pgrep', ['-P', String(proc.child.pid), '-f', 'worker process'], {
          encoding: 'utf8',
        });
        return Number(pids.trim().split('\n')[0]);
      },
      url: (path) => `http://127.0.0.1:${httpPort}${path}`,
      writeFile: (path, body) => {
        mkdirSync(dirname(join(dir, 'html', path)), { recursive: true });
        writeFileSync(join(dir, 'html', path), body);
      },
      stop,
    };
  });
}
