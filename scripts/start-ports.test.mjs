import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { busyPorts, servicePorts } from './start-ports.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('servicePorts', () => {
  it("reads each service's ports from its configuration, with the variable that sets each", async () => {
    const ports = await servicePorts(ROOT, { CHAT_GRPC_PORT: '50154' });
    const byEnv = Object.fromEntries(ports.map((p) => [p.env, p.port]));
    expect(byEnv).toMatchObject({ INGEST_RTMP_PORT: 1935, RELAY_GRPC_PORT: 50052, CHAT_GRPC_PORT: 50154 });
    expect(byEnv).not.toHaveProperty('RELAY_HTTPS_PORT');
    expect(ports.find((p) => p.env === 'MONITORING_HTTP_PORT')).toMatchObject({
      service: 'monitoring',
      host: '0.0.0.0',
    });
  });
});

describe('busyPorts', () => {
  const servers = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  /** A port held by a listener on 127.0.0.1. */
  const heldPort = () =>
    new Promise((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => resolve(server.address().port));
      servers.push(server);
    });

  it('names a taken port and its variable, and passes a free one', async () => {
    const taken = await heldPort();
    const lines = await busyPorts([
      { service: 'chat', env: 'CHAT_GRPC_PORT', host: '127.0.0.1', port: taken },
      { service: 'relay', env: 'RELAY_GRPC_PORT', host: '127.0.0.1', port: 0 },
    ]);
    expect(lines).toEqual([
      `port ${taken} (CHAT_GRPC_PORT, chat) is in use: set CHAT_GRPC_PORT to a free port or stop what holds it`,
    ]);
  });

  it('names a port two variables share', async () => {
    const lines = await busyPorts([
      { service: 'danmaku', env: 'DANMAKU_HTTP_PORT', host: '127.0.0.1', port: 18082 },
      { service: 'chat', env: 'CHAT_HTTP_PORT', host: '127.0.0.1', port: 18082 },
    ]);
    expect(lines).toEqual([
      'port 18082 is named by both DANMAKU_HTTP_PORT and CHAT_HTTP_PORT: set one of them to another port',
    ]);
  });
});
