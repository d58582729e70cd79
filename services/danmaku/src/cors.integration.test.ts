import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, startService, type TestNats, type TestService } from '@onair/testing';

// Integration: a built danmaku instance (npx tsc -b services/danmaku) on a real nats-server; CORS preflights.

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
    DANMAKU_JWT_SECRET: 'cors-test-secret-0123456789abcdef',
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
