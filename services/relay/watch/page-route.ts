/** What the page's own path names: `/watch/<room>` (live) or `/watch/<room>/<publishId>` (a recording). */
export interface PageRoute {
  readonly room: string;
  /** The recorded publish; undefined: the room's live stream. */
  readonly publishId: string | undefined;
}

const ROUTE = /^\/watch\/([a-z0-9-]{1,64})(?:\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))?\/?$/;

/**
 * Reads the room and publish from a page path (the relay serves the page only at such paths).
 * @throws Error for any other path.
 */
export function pageRoute(pathname: string): PageRoute {
  const match = ROUTE.exec(pathname);
  if (!match?.[1]) throw new Error(`not a watch page path: ${pathname}`);
  return { room: match[1], publishId: match[2] };
}

/** Where the page connects, from the relay's `GET /watch/config.json`. */
export interface PageConfig {
  /** The danmaku service's public origin, e.g. `http://localhost:8081`. */
  readonly danmakuUrl: string;
  readonly chatUrl: string;
  /** A platform's sign-in endpoint answering `{token}`; empty: none. */
  readonly signInUrl: string;
  /** Whether the relay offers the development sign-in (`GET /watch/dev-token.json`). */
  readonly devSignIn: boolean;
}

/**
 * Fetches the page's config from the relay.
 * @throws Error when the relay does not answer 200.
 */
export async function fetchPageConfig(): Promise<PageConfig> {
  const res = await fetch('/watch/config.json');
  if (!res.ok) throw new Error(`config: HTTP ${res.status}`);
  return (await res.json()) as PageConfig;
}
