import type { PeerCertificate } from 'node:tls';
import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { bearerCheck, bearerToken, isLoopbackPeer } from './bearer-auth.js';

const call = (peer: string, authorization?: string) => {
  const metadata = new Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  return { getPeer: () => peer, metadata };
};

describe('isLoopbackPeer (grpc-js peer strings)', () => {
  it.each([
    { peer: '127.0.0.1:50000', loopback: true },
    { peer: '127.45.6.7:1', loopback: true },
    { peer: '::1:50000', loopback: true },
    { peer: '[::1]:50000', loopback: true },
    { peer: '::ffff:127.0.0.1:50000', loopback: true },
    { peer: '192.0.2.2:50000', loopback: false },
    { peer: '10.127.0.1:50000', loopback: false },
    { peer: 'fd00::2:50000', loopback: false },
    { peer: '::ffff:192.0.2.2:50000', loopback: false },
    { peer: '128.0.0.1:1', loopback: false },
    { peer: 'unknown', loopback: false },
    { peer: 'localhost:50000', loopback: false },
  ])('$peer → $loopback', ({ peer, loopback }) => {
    expect(isLoopbackPeer(peer)).toBe(loopback);
  });
});

describe('bearerToken (RFC 6750 §2.1)', () => {
  it.each([
    { header: 'Bearer abc', token: 'abc' },
    { header: 'bearer  abc ', token: 'abc' },
    { header: 'Basic abc', token: undefined },
    { header: 'Bearer ', token: undefined },
    { header: undefined, token: undefined },
  ])('$header → $token', ({ header, token }) => {
    expect(bearerToken(call('127.0.0.1:1', header).metadata)).toBe(token);
  });
});

describe('bearerCheck', () => {
  it.each([
    { name: 'token set, right token, remote peer', token: 's3cret', peer: '192.0.2.2:1', auth: 'Bearer s3cret' },
    { name: 'token set, loopback peer without it', token: 's3cret', peer: '127.0.0.1:1', code: 'UNAUTHENTICATED' },
    {
      name: 'token set, wrong token',
      token: 's3cret',
      peer: '127.0.0.1:1',
      auth: 'Bearer s3cre',
      code: 'UNAUTHENTICATED',
    },
    { name: 'no token, loopback peer', token: undefined, peer: '[::1]:1' },
    { name: 'no token, remote peer', token: '', peer: '192.0.2.2:1', auth: 'Bearer x', code: 'PERMISSION_DENIED' },
  ])('$name', ({ token, peer, auth, code }) => {
    const check = bearerCheck({ token, guards: 'RoomsService', variable: 'INGEST_ADMIN_TOKEN' });
    if (code === undefined) expect(() => check(call(peer, auth))).not.toThrow();
    else expect(() => check(call(peer, auth))).toThrow(expect.objectContaining({ code }));
  });

  it('lets a remote caller whose client certificate (mTLS) names a trusted peer through, and no other', () => {
    const withCert = (cn: string) => ({
      ...call('192.0.2.2:1'),
      getAuthContext: () => ({ sslPeerCertificate: { subject: { CN: cn } } as PeerCertificate }),
    });
    for (const [token, code] of [
      ['s3cret', 'UNAUTHENTICATED'],
      [undefined, 'PERMISSION_DENIED'],
    ] as const) {
      const check = bearerCheck({ token, guards: 'RoomsService', variable: 'X', trusted: new Set(['cli']) });
      expect(() => check(withCert('cli'))).not.toThrow();
      expect(() => check(withCert('monitoring'))).toThrow(expect.objectContaining({ code }));
    }
  });
});
