/** Where the watch page's browser connects besides its own origin (public URLs, as the browser sees them). */
export interface WatchOrigins {
  /** The danmaku service's HTTP base, e.g. `http://localhost:8081` (its WebSocket is the same origin as ws:). */
  readonly danmakuUrl: string;
  /** The chat service's HTTP base, e.g. `http://localhost:8082`. */
  readonly chatUrl: string;
  /** A platform's sign-in endpoint answering `{token}`; empty: none. */
  readonly signInUrl: string;
}

/** The origin of `url` and, for http(s), its WebSocket twin (ws/wss), as CSP source expressions. */
function originsOf(url: string): string[] {
  if (!url) return [];
  const { protocol, host } = new URL(url);
  const ws = protocol === 'https:' ? 'wss:' : 'ws:';
  return [`${protocol}//${host}`, `${ws}//${host}`];
}

/**
 * The watch page's Content-Security-Policy (CSP Level 3): nothing but the page's own scripts and styles (no inline
 * script or style element), media from the relay and hls.js' blob: MediaSource URLs, connections to the relay, the
 * danmaku and chat services (http and ws) and the sign-in endpoint; no plugins, no `<base>`, no form posts, framed only
 * by the same origin.
 */
export function watchCsp(origins: WatchOrigins): string {
  const connect = new Set([
    "'self'",
    ...originsOf(origins.danmakuUrl),
    ...originsOf(origins.chatUrl),
    ...originsOf(origins.signInUrl).slice(0, 1),
  ]);
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    `connect-src ${[...connect].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}
