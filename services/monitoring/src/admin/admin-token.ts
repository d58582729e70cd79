import { createHash, timingSafeEqual } from 'node:crypto';

/** What an `Authorization` header is worth to the admin API. */
export type AdminAuth = 'ok' | 'missing' | 'wrong' | 'off';

/** SHA-256 of a token: equal-length digests for timingSafeEqual, whatever the tokens' lengths. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The admin API's access rule: an `Authorization: Bearer <token>` header (RFC 6750 §2.1) holding `token`, compared in
 * constant time (over SHA-256 digests). No cookie or query parameter counts, so a page on another origin cannot make
 * a browser act for the admin (CSRF): it cannot set the header without the token, and a cross-origin request with
 * it needs a CORS preflight this API never grants.
 * @param token MONITORING_ADMIN_TOKEN; "" turns the admin API off (every request is "off").
 * @returns a check of one request's `authorization` header value: "ok", "missing" (no bearer token), "wrong", or
 * "off".
 */
export function adminTokenCheck(token: string): (authorization: string | undefined) => AdminAuth {
  if (!token) return () => 'off';
  const expected = digest(token);
  return (authorization) => {
    const presented = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
    if (presented === undefined) return 'missing';
    return timingSafeEqual(digest(presented), expected) ? 'ok' : 'wrong';
  };
}
