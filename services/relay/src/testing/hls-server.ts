import { request } from 'node:http';
import { createLogger } from '@onair/runtime';
import { createHlsHandler, type HlsHandlerDeps } from '../hls/hls-handler.js';
import { notFoundAnswer } from '../hls/hls-answer.js';
import { HttpServer } from '../servers/http/server.js';

/** A response as the tests read it. */
export interface HlsAnswerRead {
  status: number;
  body: string;
  cache: string | undefined;
}

/** The HLS handler on the relay's HTTP/1.1 server on a loopback port, and a client for it. */
export interface HlsTestServer {
  /** GETs a path with `headers` added (node:http, so faked global timers do not stall it). */
  get(path: string, headers?: Record<string, string>): Promise<HlsAnswerRead>;
  close(): Promise<void>;
}

/** Serves `deps` with {@link createHlsHandler} on 127.0.0.1 (port 0); anything not HLS is 404. */
export async function serveHls(deps: HlsHandlerDeps): Promise<HlsTestServer> {
  const hls = createHlsHandler(deps);
  const server = new HttpServer({
    log: createLogger({ service: 'relay', level: 'silent' }),
    handler: (req, client) =>
      hls({
        method: req.method,
        target: req.target,
        userAgent: req.headers.get('user-agent') ?? '',
        remoteAddress: client.remoteAddress,
        connection: client.connection,
      }) ?? notFoundAnswer('resource'),
  });
  const port = await server.listen('127.0.0.1', 0);
  return {
    get: (path, headers = {}) =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              cache: res.headers['cache-control'],
            }),
          );
        });
        req.on('error', reject);
        req.end();
      }),
    close: () => server.close(100),
  };
}
