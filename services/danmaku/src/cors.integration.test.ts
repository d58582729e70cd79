import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '@onair/realtime';
import { startNats, startService, type TestNats, type TestService } from '@onair/testing';

// Integration: a built danmaku instance (npx tsc -b services/danmaku) on a real nats-server; CORS preflights.

const SECRET = 'cors-test-secret-0123456789abcdef';

let nats: TestNats;
let svc: TestService;
let base: string;

beforeAll(async () => {
  nats = await startNats();
  svc = await startService('danmaku', {
    DANMAKU_NATS_URL: nats.url,
    DANMAKU_HOST: '127.0.0.1',
    DANMAKU_HTTP_PORT: '0',
    DANMAKU_GRPC_PORT: '0',
    DANMAKU_JWT_SECRET: SECRET,
  });
  base = `http://127.0.0.1:${svc.port('httpPort')}`;
}, 60_000);

afterAll(async () => {
  await svc?.stop();
  await nats?.stop();
});

/** A browser's preflight for a POST with a bearer token and a JSON body from another origin. */
function preflight(path: string): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://player.example:8080',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });
}

describe('CORS preflights', () => {
  it.each([
    '/dplayer/v3/',
    '/api/rooms/a-room/danmaku?publish=x',
    '/api/rooms/a-room/danmaku.xml?publish=x',
    '/api/rooms/a-room/danmaku.artplayer.json?publish=x',
    '/api/rooms/a-room/danmaku.ass?publish=x',
  ])('allow GET and POST with Authorization from any origin on %s', async (path) => {
    const res = await preflight(path);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(res.headers.get('access-control-max-age')).toBe('86400');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('are not answered outside the public API', async () => {
    const res = await preflight('/metrics');
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('answers on the public API', () => {
  /** DPlayer's `send`, from another origin: its JSON body, and the token where it was put. */
  const dplayerSend = (headers: Record<string, string>, body: object): Promise<Response> =>
    fetch(`${base}/dplayer/v3/`, {
      method: 'POST',
      headers: { origin: 'http://player.example:8080', 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ id: 'a-room.p-1', author: 'x', time: 1.5, text: 'hi', color: 16777215, type: 0, ...body }),
    });

  it('carry access-control-allow-origin on errors too, so the player reads the error', async () => {
    const res = await dplayerSend({}, {});
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
    const missing = await fetch(`${base}/api/rooms/a-room/danmaku.xml?publish=no.such/id`);
    expect(missing.status).toBe(400);
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
  });

  it("take a stock DPlayer's token from its body, refusing a bad one", async () => {
    const token = await issueToken(SECRET, { userId: 'u-1', name: 'U', roles: ['viewer'] }, 60_000);
    // Past the token: the room is not live, so the post is refused for that.
    const taken = await dplayerSend({}, { token });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: 'NOT_LIVE' });
    const forged = await dplayerSend({}, { token: `${token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
    const text = await forged.text();
    expect(text).not.toContain(token.slice(0, 20));
  });
});
