import { PUBLISH_ID_PATTERN } from '@onair/contracts';
import { OnairError } from '@onair/runtime';
import { errorAnswer, internalAnswer, notFoundAnswer, type HlsAnswer } from '../hls/hls-answer.js';
import { parseRoom } from '../hls/route-params.js';
import type { DevTokens } from './dev-token.js';
import type { WatchAssets } from './watch-assets.js';
import { watchCsp, type WatchOrigins } from './watch-csp.js';

/** What the watch routes read of a request. */
export interface WatchRequest {
  readonly method: string;
  /** Path and query, e.g. "/watch/demo". */
  readonly target: string;
}

/** Options of {@link createWatchHandler}. */
export interface WatchHandlerOptions {
  /** The built page; undefined when it was not built: every watch route then answers 404. */
  readonly assets: WatchAssets | undefined;
  readonly origins: WatchOrigins;
  /** The development sign-in; undefined: `/watch/dev-token.json` answers 404. */
  readonly devTokens: DevTokens | undefined;
}

/** A watch route's answer and its metrics label. */
export interface WatchAnswer {
  readonly route: string;
  readonly answer: HlsAnswer | Promise<HlsAnswer>;
}

/** Headers of every watch answer: never sniffed, never sent as a referrer. */
const COMMON: ReadonlyArray<readonly [string, string]> = [
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
];
const JSON_TYPE = 'application/json; charset=utf-8';

function answer(
  status: number,
  type: string,
  cache: string,
  body: Buffer,
  extra: Array<[string, string]> = [],
): HlsAnswer {
  return { status, headers: [['content-type', type], ['cache-control', cache], ...COMMON, ...extra], body };
}

/**
 * The watch page's routes (GET and HEAD), same-origin only (no CORS headers):
 * - `/watch/<room>` (live) and `/watch/<room>/<publishId>` (a recording): the page, `no-cache`, with its
 *   Content-Security-Policy (see watchCsp); the page reads the room and publish from its own path;
 * - `/watch/assets/<file>`: a content-hashed script or stylesheet, `immutable`;
 * - `/watch/config.json`: where the page connects, `{danmakuUrl, chatUrl, signInUrl, devSignIn}`, `no-store`;
 * - `/watch/dev-token.json?name=<name>&role=viewer|moderator`: `{token}` when the development sign-in is on (see
 *   createDevTokens), `no-store`; a GET because the relay's HTTP server takes no request body.
 * @returns undefined for a target outside `/watch/`, so other routes may answer it.
 */
export function createWatchHandler({
  assets,
  origins,
  devTokens,
}: WatchHandlerOptions): (req: WatchRequest) => WatchAnswer | undefined {
  const csp = watchCsp(origins);
  const config = Buffer.from(JSON.stringify({ ...origins, devSignIn: devTokens !== undefined }));
  return (req) => {
    if (!req.target.startsWith('/watch/') || (req.method !== 'GET' && req.method !== 'HEAD')) return undefined;
    const query = req.target.indexOf('?');
    const path = query < 0 ? req.target : req.target.slice(0, query);
    const segments = path.slice('/watch/'.length).split('/');
    if (!assets) return { route: '/watch', answer: notFoundAnswer('watch page') };
    if (segments.length === 1 && segments[0] === 'config.json')
      return { route: '/watch/config.json', answer: answer(200, JSON_TYPE, 'no-store', config) };
    if (segments.length === 1 && segments[0] === 'dev-token.json') {
      if (!devTokens) return { route: '/watch/dev-token.json', answer: notFoundAnswer('development sign-in') };
      const params = new URLSearchParams(query < 0 ? '' : req.target.slice(query + 1));
      return {
        route: '/watch/dev-token.json',
        answer: devTokens(params).then(
          (token) => answer(200, JSON_TYPE, 'no-store', Buffer.from(JSON.stringify({ token }))),
          (err: unknown) => (err instanceof OnairError ? errorAnswer(err) : internalAnswer(err)),
        ),
      };
    }
    const [room, second] = segments;
    if (room === 'assets' && segments.length === 2 && second !== undefined && !PUBLISH_ID_PATTERN.test(second)) {
      const asset = assets.assets.get(second);
      return {
        route: '/watch/assets/:file',
        answer: asset
          ? answer(200, asset.type, 'public, max-age=31536000, immutable', asset.body)
          : notFoundAnswer('asset'),
      };
    }
    const live = segments.length === 1;
    const recording = segments.length === 2 && second !== undefined && PUBLISH_ID_PATTERN.test(second);
    if (room === undefined || !parseRoom(room) || !(live || recording))
      return { route: '/watch', answer: notFoundAnswer('page') };
    return {
      route: live ? '/watch/:room' : '/watch/:room/:publishId',
      answer: answer(200, 'text/html; charset=utf-8', 'no-cache', assets.page, [['content-security-policy', csp]]),
    };
  };
}
