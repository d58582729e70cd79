import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChannelOptions } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type telemetry } from '@onair/proto';
import { createLogger } from '@onair/runtime';
import { call, createClient, deadlineIn } from './client.js';
import { createGrpcServer, type GrpcServer } from './server.js';
import { readGrpcTls, type GrpcTls } from './tls.js';

// Integration: mTLS between real grpc-js servers and clients, with certificates made by deploy/tls/make-dev-certs.sh
// (Debian's openssl).

const SCRIPT = fileURLToPath(new URL('../../../deploy/tls/make-dev-certs.sh', import.meta.url));
const log = createLogger({ service: 'test', level: 'silent' });
let dir: string;
let server: GrpcServer;
let port: number;

/** Makes certificates for `services` in `sub` (its own CA when the folder is new). */
function makeCerts(sub: string, ...services: string[]): string {
  const out = join(dir, sub);
  execFileSync(SCRIPT, [out, ...services], { stdio: 'pipe' });
  return out;
}

function identity(certs: string, service: string, peers: string[]): GrpcTls {
  const tls = readGrpcTls({
    caFile: join(certs, 'ca.crt'),
    certFile: join(certs, `${service}.crt`),
    keyFile: join(certs, `${service}.key`),
    peers,
  });
  if (!tls) throw new Error('no TLS identity');
  return tls;
}

/** GetStats over a channel with `tls` (or plaintext); resolves to the service named, or the error code. */
async function getStats(
  tls: GrpcTls | undefined,
  options: ChannelOptions = {},
  target = `localhost:${port}`,
): Promise<string> {
  const client = createClient(onair().telemetry.v1.TelemetryService, target, options, tls);
  try {
    const stats = await call<telemetry.GetStatsResponse__Output>((cb) =>
      client.GetStats({}, { deadline: deadlineIn(3000) }, cb),
    );
    return stats.service;
  } catch (err) {
    return (err as { code: string }).code;
  } finally {
    client.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onair-tls-'));
  const certs = makeCerts('cluster', 'chat', 'relay', 'intruder');
  makeCerts('elsewhere', 'relay');
  server = createGrpcServer({ log, service: 'chat', roomStats: () => [], tls: identity(certs, 'chat', ['relay']) });
  port = await server.listen('127.0.0.1', 0);
});

afterAll(async () => {
  await server?.stop(100);
  rmSync(dir, { recursive: true, force: true });
});

describe('internal gRPC over mTLS', () => {
  it('takes a call from a peer whose certificate the CA signed and names an expected service', async () => {
    expect(await getStats(identity(join(dir, 'cluster'), 'relay', ['chat']))).toBe('chat');
  });

  it('refuses a plaintext client, and a certificate from another CA, at the handshake', async () => {
    expect(await getStats(undefined)).toBe('UNAVAILABLE');
    expect(await getStats(identity(join(dir, 'elsewhere'), 'relay', ['chat']))).toBe('UNAVAILABLE');
  });

  it('refuses with PERMISSION_DENIED a certificate of the CA that names another service', async () => {
    expect(await getStats(identity(join(dir, 'cluster'), 'intruder', ['chat']))).toBe('PERMISSION_DENIED');
  });

  it("refuses, as the client, a server whose certificate is not the expected service's or host's", async () => {
    expect(await getStats(identity(join(dir, 'cluster'), 'relay', ['ingest']))).toBe('UNAVAILABLE');
    const relay = identity(join(dir, 'cluster'), 'relay', ['chat']);
    expect(await getStats(relay, { 'grpc.ssl_target_name_override': 'chat' })).toBe('chat');
    expect(await getStats(relay, { 'grpc.ssl_target_name_override': 'ingest' })).toBe('UNAVAILABLE');
  });

  it("dials an IP address, checking the certificate's IP subject alternative name (Node 26 takes no IP as SNI)", async () => {
    const relay = identity(join(dir, 'cluster'), 'relay', ['chat']);
    expect(await getStats(relay, {}, `127.0.0.1:${port}`)).toBe('chat');
    expect(await getStats(relay, {}, `ipv4:127.0.0.1:${port}`)).toBe('chat');
    // The same server on another loopback address, which its certificate does not name.
    const other = createGrpcServer({
      log,
      service: 'chat',
      roomStats: () => [],
      tls: identity(join(dir, 'cluster'), 'chat', ['relay']),
    });
    try {
      const otherPort = await other.listen('127.0.0.2', 0);
      expect(await getStats(relay, {}, `127.0.0.2:${otherPort}`)).toBe('UNAVAILABLE');
      expect(await getStats(relay, { 'grpc.ssl_target_name_override': 'chat' }, `127.0.0.2:${otherPort}`)).toBe('chat');
    } finally {
      await other.stop(100);
    }
  });

  it('names no file content when a file cannot be read, and wants all three files', () => {
    expect(() => readGrpcTls({ caFile: '/nonexistent/ca.crt', certFile: 'a', keyFile: 'b', peers: [] })).toThrow(
      'cannot read /nonexistent/ca.crt: ENOENT',
    );
    expect(() => readGrpcTls({ caFile: 'x', certFile: '', keyFile: '', peers: [] })).toThrow(/together/);
    expect(readGrpcTls({ caFile: '', certFile: '', keyFile: '', peers: [] })).toBeUndefined();
  });
});
