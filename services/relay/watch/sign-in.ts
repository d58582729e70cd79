import { byId } from './dom.js';
import type { PageConfig } from './page-route.js';

/**
 * The page's sign-in: a viewer token for the sockets' `hello`, kept in memory only (never in a URL or storage). Three
 * ways to get one, whichever the relay offers:
 * - a platform's sign-in: `RELAY_WATCH_SIGNIN_URL` is fetched once at load with the browser's cookies and its 200
 *   answer's `token` used;
 * - the development sign-in (`npm start`): a name and role sent to `GET /watch/dev-token.json`;
 * - a token pasted into the token field (`onair tokens issue`).
 * @param onToken called with each token obtained.
 * @param say shows a line in the page's status.
 */
export function setUpSignIn(config: PageConfig, onToken: (token: string) => void, say: (text: string) => void): void {
  const tokenForm = byId('token-form', HTMLFormElement);
  const tokenInput = byId('token-input', HTMLInputElement);
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    tokenInput.value = '';
    if (token) onToken(token);
  });
  if (config.devSignIn) {
    const devForm = byId('dev-sign-in', HTMLFormElement);
    devForm.hidden = false;
    devForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const query = new URLSearchParams({
        name: byId('dev-name', HTMLInputElement).value.trim(),
        role: byId('dev-role', HTMLSelectElement).value,
      });
      fetchToken(`/watch/dev-token.json?${query}`, 'same-origin').then(onToken, (err: Error) => say(err.message));
    });
  }
  if (config.signInUrl)
    fetchToken(config.signInUrl, 'include').then(onToken, (err: Error) => say(`not signed in: ${err.message}`));
}

/**
 * GETs `url` and reads `{token}` from its JSON answer.
 * @throws Error naming the HTTP status, or the answer's `message`, when it is not 200 with a token.
 */
async function fetchToken(url: string, credentials: RequestCredentials): Promise<string> {
  const res = await fetch(url, { credentials, cache: 'no-store' });
  const body = (await res.json().catch(() => ({}))) as { token?: unknown; message?: unknown };
  if (!res.ok || typeof body.token !== 'string')
    throw new Error(typeof body.message === 'string' ? body.message : `sign-in: HTTP ${res.status}`);
  return body.token;
}
