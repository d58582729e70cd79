import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@onair/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { PublishHooks, SIGNATURE_HEADER, streamKeyId } from './publish-hooks.js';

interface Received {
  body: string;
  signature: string | undefined;
}

/** A webhook receiver on loopback answering with `answer`; what it received is kept. */
async function receiver(
  answer: (res: ServerResponse) => void,
): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ body, signature: req.headers[SIGNATURE_HEADER] as string | undefined });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, server };
}

const SUBJECT = {
  room: 'demo',
  publishId: '6a8f1e9c-0000-4000-8000-000000000001',
  app: 'live',
  remoteAddress: '203.0.113.7:51234',
  encoder: 'FMLE/3.0 (compatible; FMSc/1.0)',
  streamKeyId: streamKeyId('demo_s3cr3t'),
};
const log = createLogger({ service: 'test', level: 'silent' });
let servers: Server[] = [];
afterEach(() => {
  for (const s of servers) s.closeAllConnections();
  for (const s of servers) s.close();
  servers = [];
});

describe('PublishHooks', () => {
  it('allows a publish on a 2xx answer, with a signed body that names the key without carrying it', async () => {
    const r = await receiver((res) => res.writeHead(204).end());
    servers.push(r.server);
    const hooks = new PublishHooks({
      onPublishUrl: r.url,
      onUnpublishUrl: undefined,
      secret: 'k',
      timeoutMs: 2000,
      log,
    });
    expect(await hooks.onPublish(SUBJECT)).toEqual({ ok: true });
    const [call] = r.got;
    const body = JSON.parse(call?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({ event: 'publish', ...SUBJECT });
    expect(typeof body.timestampMs).toBe('number');
    expect(call?.signature).toBe(
      `sha256=${createHmac('sha256', 'k')
        .update(call?.body ?? '')
        .digest('hex')}`,
    );
    expect(call?.body).not.toContain('s3cr3t');
    expect(SUBJECT.streamKeyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    {
      name: 'a 403 answer',
      answer: (res: ServerResponse) => res.writeHead(403).end('no'),
      why: 'on_publish answered 403',
    },
    {
      name: 'a redirect',
      answer: (res: ServerResponse) => res.writeHead(302, { location: '/x' }).end(),
      why: 'on_publish answered 302',
    },
    { name: 'no answer within the timeout', answer: () => undefined, why: 'on_publish did not answer' },
  ])('refuses a publish on $name', async ({ answer, why }) => {
    const r = await receiver(answer);
    servers.push(r.server);
    const hooks = new PublishHooks({
      onPublishUrl: r.url,
      onUnpublishUrl: undefined,
      secret: undefined,
      timeoutMs: 300,
      log,
    });
    expect(await hooks.onPublish(SUBJECT)).toEqual({ ok: false, why });
  });

  it('refuses a publish when the hook cannot be reached', async () => {
    const r = await receiver((res) => res.end());
    r.server.close();
    const hooks = new PublishHooks({
      onPublishUrl: r.url,
      onUnpublishUrl: undefined,
      secret: undefined,
      timeoutMs: 300,
      log,
    });
    expect(await hooks.onPublish(SUBJECT)).toEqual({ ok: false, why: 'on_publish did not answer' });
  });

  it('allows every publish and posts nothing when no hook is configured', async () => {
    const hooks = new PublishHooks({
      onPublishUrl: undefined,
      onUnpublishUrl: undefined,
      secret: 'k',
      timeoutMs: 300,
      log,
    });
    expect(await hooks.onPublish(SUBJECT)).toEqual({ ok: true });
  });

  it('tells on_unpublish why a publish ended', async () => {
    const r = await receiver((res) => res.writeHead(200).end());
    servers.push(r.server);
    const hooks = new PublishHooks({
      onPublishUrl: undefined,
      onUnpublishUrl: r.url,
      secret: 'k',
      timeoutMs: 2000,
      log,
    });
    hooks.onUnpublish({ room: 'demo', publishId: SUBJECT.publishId, reason: 'FCUnpublish', durationMs: 61_000 });
    await expect.poll(() => r.got.length).toBe(1);
    expect(JSON.parse(r.got[0]?.body ?? '{}')).toMatchObject({
      event: 'unpublish',
      room: 'demo',
      reason: 'FCUnpublish',
      durationMs: 61_000,
    });
  });
});
