import type { Registry } from 'prom-client';
import { createHlsHandler, type HlsHandlerDeps, type HlsRequest } from '../hls/hls-handler.js';
import type { VodAnswer } from '../recording/vod-handler.js';
import type { WatchAnswer } from '../watch/watch-handler.js';
import { corsAnswer, internalAnswer, notFoundAnswer, type HlsAnswer } from '../hls/hls-answer.js';

/** What the relay's routes read of a request, whatever server received it. */
export interface RelayRequest extends HlsRequest {
  /** `Access-Control-Request-Headers` of a CORS preflight. */
  readonly accessControlRequestHeaders: string | undefined;
}

/** Options of {@link relayRoutes}. */
export interface RelayRoutesOptions extends HlsHandlerDeps {
  registry: Registry;
  /** Body of `GET /healthz`, after `status: "ok"`. */
  health: () => Record<string, unknown>;
  /** On a relay that records: the recordings' routes (see createVodHandler). */
  recordings?: ((req: RelayRequest) => VodAnswer | undefined) | undefined;
  /** The watch page's routes (see createWatchHandler). */
  watch?: ((req: RelayRequest) => WatchAnswer | undefined) | undefined;
}

type Maybe<T> = T | Promise<T>;

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Everything the relay answers over HTTP: HLS (see createHlsHandler), recordings when it records (see
 * createVodHandler), the watch page (see createWatchHandler), `GET /healthz` (200 while the process
 * serves), `GET /metrics` (Prometheus text format 0.0.4), and CORS preflights (`OPTIONS`, any path: GET and HEAD
 * from any origin, Fetch standard §3.2); anything else is 404 NOT_FOUND.
 */
export function relayRoutes({
  registry,
  health,
  recordings,
  watch,
  ...hls
}: RelayRoutesOptions): (req: RelayRequest) => Maybe<HlsAnswer> {
  const hlsHandler = createHlsHandler(hls);
  const responded = (route: string, a: HlsAnswer): HlsAnswer => {
    hls.metrics?.responded(route, a.status, a.body.length);
    return a;
  };
  return (req) => {
    const answered = hlsHandler(req);
    if (answered !== undefined) return answered;
    const vod = recordings?.(req);
    if (vod) return vod.answer.then((a) => responded(vod.route, a));
    const page = watch?.(req);
    if (page)
      return page.answer instanceof Promise
        ? page.answer.then((a) => responded(page.route, a))
        : responded(page.route, page.answer);
    if (req.method === 'OPTIONS') {
      const preflight = corsAnswer(204, 'text/plain; charset=utf-8', 'max-age=86400', Buffer.alloc(0));
      const headers: Array<readonly [string, string]> = [
        ...preflight.headers,
        ['access-control-allow-methods', 'GET, HEAD, OPTIONS'],
        ['access-control-max-age', '86400'],
      ];
      if (req.accessControlRequestHeaders)
        headers.push(['access-control-allow-headers', req.accessControlRequestHeaders]);
      return responded('OPTIONS', { ...preflight, headers });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return responded('unmatched', notFoundAnswer('resource'));
    if (req.target === '/healthz')
      return responded(
        '/healthz',
        corsAnswer(200, JSON_TYPE, 'no-store', Buffer.from(JSON.stringify({ status: 'ok', ...health() }))),
      );
    if (req.target === '/metrics')
      return registry.metrics().then(
        (text) => responded('/metrics', corsAnswer(200, registry.contentType, 'no-store', Buffer.from(text))),
        (err: unknown) => responded('/metrics', internalAnswer(err)),
      );
    return responded('unmatched', notFoundAnswer('resource'));
  };
}
