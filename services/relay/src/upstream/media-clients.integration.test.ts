import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type media } from '@onair/proto';
import { call, createGrpcServer, deadlineIn, readGrpcTls, type GrpcServer, type GrpcTls } from '@onair/grpc-kit';
import { MediaHub, mediaServiceHandlers } from '@onair/media';
import { createLogger } from '@onair/runtime';
import { REPO_ROOT } from '@onair/testing';
import { mediaClient } from './media-client.js';
import { MediaClients } from './media-clients.js';

// mTLS to an ingest replica dialled by an address its certificate does not name (as a pod IP is not): certificates
// from deploy/tls/make-dev-certs.sh (DNS:<service>, DNS:localhost, IP:127.0.0.1), the replica on 127.0.0.2.

const log = createLogger({ service: 'test', level: 'silent' });
let dir: string;
let server: GrpcServer;
let address: string;

function identity(service: string, peers: string[]): GrpcTls {
  const tls = readGrpcTls({
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, `${service}.crt`),
    keyFile: join(dir, `${service}.key`),
    peers,
  });
  if (!tls) throw new Error('no TLS identity');
  return tls;
}

/** ListLiveStreams over `client`: the number of rooms, or the error code. */
async function listed(client: media.MediaServiceClient): Promise<number | string> {
  try {
    const res = await call<media.ListLiveStreamsResponse__Output>((cb) =>
      client.ListLiveStreams({}, { deadline: deadlineIn(3000) }, cb),
    );
    return res.streams.length;
  } catch (err) {
    return (err as { code: string }).code;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onair-relay-tls-'));
  execFileSync(join(REPO_ROOT, 'deploy/tls/make-dev-certs.sh'), [dir, 'ingest', 'relay'], { stdio: 'pipe' });
  server = createGrpcServer({ log, service: 'ingest', roomStats: () => [], tls: identity('ingest', ['relay']) });
  server.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(new MediaHub({ windowSize: 2 }), log));
  address = `127.0.0.2:${await server.listen('127.0.0.2', 0)}`;
});

afterAll(async () => {
  await server?.stop(100);
  rmSync(dir, { recursive: true, force: true });
});

describe('MediaClients to ingest replicas over mTLS', () => {
  it("checks a replica dialled by IP against the service's name, and refuses it by the IP alone", async () => {
    const tls = identity('relay', ['ingest']);
    const clients = new MediaClients(tls, 'ingest');
    expect(await listed(clients.acquire(address))).toBe(0);
    const byIp = mediaClient(address, tls);
    expect(await listed(byIp)).toBe('UNAVAILABLE');
    byIp.close();
    const otherName = new MediaClients(tls, 'chat');
    expect(await listed(otherName.acquire(address))).toBe('UNAVAILABLE');
    clients.close();
    otherName.close();
  });

  it('shares one channel per address and closes it with its last user', () => {
    const clients = new MediaClients(undefined, 'ingest');
    const first = clients.acquire('127.0.0.1:1');
    expect(clients.acquire('127.0.0.1:1')).toBe(first);
    expect(clients.acquire('127.0.0.1:2')).not.toBe(first);
    expect(clients.addresses).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
    clients.release('127.0.0.1:1');
    expect(clients.addresses).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
    clients.release('127.0.0.1:1');
    clients.release('127.0.0.1:2');
    expect(clients.addresses).toEqual([]);
    expect(clients.acquire('127.0.0.1:1')).not.toBe(first);
    clients.close();
  });
});
