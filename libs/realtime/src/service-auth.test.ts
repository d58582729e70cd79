import type { PeerCertificate } from 'node:tls';
import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { grpcPoster, serviceAuth } from './service-auth.js';
import { issueToken } from './token-issuer.js';
import { createTokenVerifier } from './token-verifier.js';

const SECRET = 'service-auth-test-secret-0123456789abc';
const verifier = await createTokenVerifier({ key: { secret: SECRET } });

const call = (peer: string, authorization?: string) => {
  const metadata = new Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  return { getPeer: () => peer, metadata };
};

const token = (roles: Array<'viewer' | 'admin'>) => issueToken(SECRET, { userId: 'u-1', name: 'Ada', roles }, 60_000);

describe('serviceAuth', () => {
  const withToken = serviceAuth({ serviceToken: 'svc-token', variable: 'CHAT_SERVICE_TOKEN', verifier });
  const loopbackOnly = serviceAuth({ serviceToken: '', variable: 'CHAT_SERVICE_TOKEN', verifier });

  it('takes the service token from any peer, and an admin token', async () => {
    await expect(withToken(call('192.0.2.2:1', 'Bearer svc-token'))).resolves.toEqual({ kind: 'service' });
    await expect(withToken(call('192.0.2.2:1', `Bearer ${await token(['admin'])}`))).resolves.toMatchObject({
      kind: 'admin',
      poster: { userId: 'u-1', name: 'Ada', roles: ['admin'] },
    });
  });

  it.each([
    ['no credentials, loopback', '127.0.0.1:1', undefined, 'UNAUTHENTICATED'],
    ['a wrong service token', '127.0.0.1:1', 'Bearer svc-tokeN', 'UNAUTHENTICATED'],
  ])('refuses %s while a service token is set', async (_name, peer, auth, code) => {
    const refused = withToken(call(peer, auth));
    await expect(refused).rejects.toMatchObject({ code });
    await expect(refused).rejects.not.toThrow(/svc-token/);
  });

  it('refuses a viewer token without the admin role with PERMISSION_DENIED', async () => {
    const refused = withToken(call('192.0.2.2:1', `Bearer ${await token(['viewer'])}`));
    await expect(refused).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('takes a caller whose client certificate (mTLS) names a trusted peer as that service', async () => {
    const trusting = serviceAuth({ serviceToken: 'svc-token', variable: 'X', verifier, trusted: new Set(['bot']) });
    const withCert = (cn: string) => ({
      ...call('192.0.2.2:1'),
      getAuthContext: () => ({ sslPeerCertificate: { subject: { CN: cn } } as PeerCertificate }),
    });
    await expect(trusting(withCert('bot'))).resolves.toEqual({ kind: 'service', name: 'bot' });
    await expect(trusting(withCert('monitoring'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('counts loopback callers as services only while no service token is set', async () => {
    await expect(loopbackOnly(call('[::1]:1'))).resolves.toEqual({ kind: 'service' });
    await expect(loopbackOnly(call('192.0.2.2:1'))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('grpcPoster', () => {
  it('names a service post from the request and an admin post from its token', () => {
    expect(grpcPoster({ kind: 'service' }, { name: 'bot', userId: '' })).toEqual({
      userId: 'service:bot',
      name: 'bot',
      roles: ['viewer'],
      guest: false,
      service: true,
    });
    expect(grpcPoster({ kind: 'service' }, { name: 'bot', userId: 'u-9' })).toEqual({
      userId: 'u-9',
      name: 'bot',
      roles: ['viewer'],
      guest: false,
    });
    const admin = { userId: 'u-1', name: 'Ada', roles: ['admin'] as const, guest: false };
    expect(grpcPoster({ kind: 'admin', poster: admin }, { name: 'bot', userId: 'x' })).toBe(admin);
  });
});
