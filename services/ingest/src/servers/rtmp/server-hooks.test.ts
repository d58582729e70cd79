import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@onair/runtime';
import { waitFor } from '@onair/testing';
import { PublishHooks } from '../../hooks/publish-hooks.js';
import { clientCommand } from '../../testing/rtmp-test-client.js';
import { connectCmd, publishPipelined, startTestServer, statusOf, type TestServer } from '../../testing/test-server.js';

// RtmpServer with its publish webhooks (on_publish, on_unpublish) and its connection limit.

describe('RtmpServer publish webhooks', () => {
  let t: TestServer | undefined;
  let hook: Server | undefined;
  afterEach(async () => {
    await t?.stop();
    hook?.closeAllConnections();
    hook?.close();
    t = undefined;
  });

  /** A webhook receiver answering on_publish with `status`; the events it got, parsed. */
  async function startHook(status: number): Promise<{ url: string; events: Array<Record<string, unknown>> }> {
    const events: Array<Record<string, unknown>> = [];
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        events.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => hook?.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, events };
  }
  const hooks = (url: string) =>
    new PublishHooks({
      onPublishUrl: url,
      onUnpublishUrl: url,
      secret: 'k',
      timeoutMs: 2000,
      log: createLogger({ service: 'test', level: 'silent' }),
    });

  it('asks on_publish before accepting and tells on_unpublish when the publish ends', async () => {
    const { url, events } = await startHook(200);
    const s = (t = await startTestServer({ hooks: hooks(url) }));
    const client = await s.open();
    await publishPipelined(client, 'good-omicron');
    expect(statusOf(client)).toMatchObject({ code: 'NetStream.Publish.Start' });
    client.send(clientCommand(0, 'FCUnpublish', 6, null, 'good-omicron'));
    await client.until(() => events.length === 2);
    const publishId = s.pipeline.publishes[0]?.publish.publishId;
    expect(events[0]).toMatchObject({ event: 'publish', room: 'omicron', app: 'live', publishId, encoder: 'FMLE/3.0' });
    expect(events[1]).toMatchObject({ event: 'unpublish', room: 'omicron', publishId, reason: 'FCUnpublish' });
    expect(JSON.stringify(events)).not.toContain('good-omicron');
  });

  it('refuses the publish when on_publish says no, and opens nothing', async () => {
    const { url } = await startHook(403);
    const s = (t = await startTestServer({ hooks: hooks(url) }));
    const client = await s.open();
    await publishPipelined(client, 'good-pi');
    expect(statusOf(client)).toMatchObject({ code: 'NetStream.Publish.BadName', description: 'publish refused' });
    await client.closed;
    expect(s.pipeline.publishes).toHaveLength(0);
    expect(s.gate.live.has('pi')).toBe(false);
  });
});

describe('RtmpServer connection limit', () => {
  /** Connects, sends C0+C1 and resolves with the bytes the server sent before it closed the socket. */
  const refusedBytes = (port: number): Promise<number> =>
    new Promise((resolve) => {
      let got = 0;
      const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.alloc(1 + 1536, 3)));
      socket.on('data', (d: Buffer) => (got += d.length));
      socket.on('error', () => undefined);
      socket.once('close', () => resolve(got));
    });

  it('destroys sockets past maxConnections at once and accepts again once one closed', async () => {
    const t = await startTestServer({ maxConnections: 2 });
    try {
      const [a, b] = [await t.open(), await t.open()];
      await Promise.all([a.handshake(), b.handshake()]);
      expect(await refusedBytes(t.port)).toBe(0);
      expect(await refusedBytes(t.port)).toBe(0);
      expect(t.server.connectionCount).toBe(2);
      expect(t.lines.filter((l) => l.msg === 'connection limit reached; refusing new connections')).toHaveLength(1);
      a.socket.destroy();
      await waitFor(() => t.server.connectionCount === 1, { timeoutMs: 5000, what: 'the closed connection to go' });
      const c = await t.open();
      await c.handshake();
      c.send(connectCmd());
      expect((await c.command((cmd) => cmd.name === '_result')).transactionId).toBe(1);
    } finally {
      await t.stop();
    }
  });
});
