import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenVerifier } from '@onair/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HlsAnswer } from '../hls/hls-answer.js';
import { createDevTokens } from './dev-token.js';
import type { WatchAssets } from './watch-assets.js';
import { watchCsp } from './watch-csp.js';
import { createWatchHandler, type WatchRequest } from './watch-handler.js';

const SECRET = 'watch-test-secret-0123456789abcdef0123';
const PUBLISH = '5a1d3c2e-0b7f-4c1e-9a2b-3c4d5e6f7a8b';
const ASSETS: WatchAssets = {
  page: Buffer.from('<!doctype html><title>watch</title>'),
  assets: new Map([['watch-ABC123.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from('1') }]]),
};
const ORIGINS = { danmakuUrl: 'http://localhost:8081', chatUrl: 'https://chat.example:8443', signInUrl: '' };

let dir: string;
let secretFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onair-watch-'));
  secretFile = join(dir, 'jwt-secret');
  await writeFile(secretFile, `${SECRET}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const header = (a: HlsAnswer, name: string): string | undefined => a.headers.find(([n]) => n === name)?.[1];

async function get(handler: ReturnType<typeof createWatchHandler>, target: string, method = 'GET') {
  const req: WatchRequest = { method, target };
  const answered = handler(req);
  return answered && { route: answered.route, answer: await answered.answer };
}

describe('watchCsp', () => {
  it('allows only the page itself, the sockets of danmaku and chat and the sign-in origin', () => {
    const csp = watchCsp({ ...ORIGINS, signInUrl: 'https://platform.example/onair/token?x=1' });
    expect(csp.split('; ')).toEqual([
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "media-src 'self' blob:",
      "connect-src 'self' http://localhost:8081 ws://localhost:8081 https://chat.example:8443 " +
        'wss://chat.example:8443 https://platform.example',
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'self'",
    ]);
  });
});

describe('createWatchHandler', () => {
  const handler = createWatchHandler({ assets: ASSETS, origins: ORIGINS, devTokens: undefined });

  it.each([
    [`/watch/demo`, '/watch/:room'],
    [`/watch/demo/${PUBLISH}`, '/watch/:room/:publishId'],
    [`/watch/assets`, '/watch/:room'],
  ])('serves the page at %s with its CSP, not cached, same-origin only', async (target, route) => {
    const got = await get(handler, target);
    expect(got?.route).toBe(route);
    expect(got?.answer.status).toBe(200);
    expect(got?.answer.body).toEqual(ASSETS.page);
    expect(header(got!.answer, 'content-type')).toBe('text/html; charset=utf-8');
    expect(header(got!.answer, 'cache-control')).toBe('no-cache');
    expect(header(got!.answer, 'content-security-policy')).toBe(watchCsp(ORIGINS));
    expect(header(got!.answer, 'x-content-type-options')).toBe('nosniff');
    expect(header(got!.answer, 'access-control-allow-origin')).toBeUndefined();
  });

  it('serves a hashed asset immutable, and 404 for another name', async () => {
    const asset = await get(handler, '/watch/assets/watch-ABC123.js');
    expect(asset?.answer.status).toBe(200);
    expect(header(asset!.answer, 'cache-control')).toBe('public, max-age=31536000, immutable');
    expect(header(asset!.answer, 'content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get(handler, '/watch/assets/watch-OTHER.js'))?.answer.status).toBe(404);
  });

  it('hands the page its origins in config.json', async () => {
    const got = await get(handler, '/watch/config.json');
    expect(JSON.parse(got!.answer.body.toString())).toEqual({ ...ORIGINS, devSignIn: false });
    expect(header(got!.answer, 'cache-control')).toBe('no-store');
  });

  it.each([
    '/watch/Demo',
    '/watch/demo/not-a-uuid',
    `/watch/demo/${PUBLISH}/x`,
    '/watch/../etc/passwd',
    '/watch/demo%2F..',
    '/watch/dev-token.json?name=a',
  ])('answers 404 for %s', async (target) => {
    expect((await get(handler, target))?.answer.status).toBe(404);
  });

  it('leaves other targets and methods to other routes', async () => {
    expect(handler({ method: 'GET', target: '/hls/demo/master.m3u8' })).toBeUndefined();
    expect(handler({ method: 'GET', target: '/watch' })).toBeUndefined();
    expect(handler({ method: 'OPTIONS', target: '/watch/demo' })).toBeUndefined();
  });

  it('answers 404 everywhere when the page was not built', async () => {
    const unbuilt = createWatchHandler({ assets: undefined, origins: ORIGINS, devTokens: undefined });
    expect((await get(unbuilt, '/watch/demo'))?.answer.status).toBe(404);
  });
});

describe('the development sign-in', () => {
  it('signs a token danmaku and chat take for the name and role asked', async () => {
    const handler = createWatchHandler({
      assets: ASSETS,
      origins: ORIGINS,
      devTokens: await createDevTokens(secretFile),
    });
    const config = await get(handler, '/watch/config.json');
    expect(JSON.parse(config!.answer.body.toString())).toMatchObject({ devSignIn: true });
    const got = await get(handler, '/watch/dev-token.json?name=alice&role=moderator');
    expect(got?.answer.status).toBe(200);
    expect(header(got!.answer, 'cache-control')).toBe('no-store');
    expect(header(got!.answer, 'access-control-allow-origin')).toBeUndefined();
    const { token } = JSON.parse(got!.answer.body.toString()) as { token: string };
    const verifier = await createTokenVerifier({ key: { secret: SECRET } });
    expect(await verifier.verify(token)).toMatchObject({ userId: 'dev-alice', name: 'alice', roles: ['moderator'] });
  });

  it.each([
    ['name=&role=viewer', 'name'],
    ['name=%3Cb%3E&role=viewer', 'name'],
    ['name=alice&role=admin', 'role'],
  ])('refuses %s naming %s', async (query, field) => {
    const handler = createWatchHandler({
      assets: ASSETS,
      origins: ORIGINS,
      devTokens: await createDevTokens(secretFile),
    });
    const got = await get(handler, `/watch/dev-token.json?${query}`);
    expect(got?.answer.status).toBe(400);
    expect(JSON.parse(got!.answer.body.toString())).toMatchObject({ error: 'INVALID_ARGUMENT', field });
  });
});
