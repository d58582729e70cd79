import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrpcServer, readGrpcTls, type GrpcServer, type GrpcTls } from '@onair/grpc-kit';
import { createLogger } from '@onair/runtime';
import { startMonitoring, waitFor, type TestService } from '@onair/testing';
import type { StatusReport } from './status/status-types.js';

// Integration: the monitoring service polls over mTLS (MONITORING_GRPC_TLS_*), with certificates made by
// deploy/tls/make-dev-certs.sh, real grpc-kit servers standing in for the others.

const SCRIPT = fileURLToPath(new URL('../../../deploy/tls/make-dev-certs.sh', import.meta.url));
const log = createLogger({ service: 'test', level: 'silent' });

describe('monitoring over mTLS', () => {
  let dir: string;
  let monitoring: TestService;
  const servers: GrpcServer[] = [];

  const identity = (service: string): GrpcTls =>
    readGrpcTls({
      caFile: join(dir, 'ca.crt'),
      certFile: join(dir, `${service}.crt`),
      keyFile: join(dir, `${service}.key`),
      peers: ['monitoring'],
    })!;

  /** A stand-in gRPC server of `service`, with `tls` or plaintext; resolves to its port. */
  async function standIn(service: 'chat' | 'relay', tls: GrpcTls | undefined): Promise<number> {
    const server = createGrpcServer({ log, service, roomStats: () => [], tls });
    servers.push(server);
    return server.listen('127.0.0.1', 0);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onair-monitoring-tls-'));
    execFileSync(SCRIPT, [dir, 'chat', 'monitoring', 'intruder'], { stdio: 'pipe' });
    const chat = await standIn('chat', identity('chat'));
    const plaintext = await standIn('relay', undefined);
    const intruder = await standIn('relay', identity('intruder'));
    monitoring = await startMonitoring(
      [`chat=localhost:${chat}`, `relay=127.0.0.1:${plaintext}`, `edge=127.0.0.1:${intruder}`],
      {
        MONITORING_POLL_MS: '250',
        MONITORING_GRPC_TLS_CA_FILE: join(dir, 'ca.crt'),
        MONITORING_GRPC_TLS_CERT_FILE: join(dir, 'monitoring.crt'),
        MONITORING_GRPC_TLS_KEY_FILE: join(dir, 'monitoring.key'),
      },
    );
  }, 30_000);

  afterAll(async () => {
    await monitoring?.stop();
    await Promise.all(servers.map((s) => s.stop(100)));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees peers whose certificates name a service, itself included, and no plaintext or unknown peer', async () => {
    const url = `http://127.0.0.1:${monitoring.port('httpPort')}/api/status`;
    const report = await waitFor(
      async () => {
        const r = (await (await fetch(url)).json()) as StatusReport;
        const health = (name: string) => r.services.filter((s) => s.name === name).map((s) => s.health);
        return health('chat').includes('SERVING') && health('monitoring').includes('SERVING') && r;
      },
      { timeoutMs: 10_000, what: 'chat and monitoring serving over mTLS' },
    );
    const byName = (name: string) => report.services.filter((s) => s.name === name).map((s) => s.health);
    expect(byName('relay')).toEqual(['UNREACHABLE']);
    expect(byName('edge')).toEqual(['UNREACHABLE']);
  });
});
