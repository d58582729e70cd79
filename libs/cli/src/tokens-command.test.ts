import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '@onair/realtime';
import { runCli, type CliIo } from './cli.js';

const SECRET = randomBytes(32).toString('hex');

function capture(env: NodeJS.ProcessEnv = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env };
}

const issue = (args: string[], io: CliIo): Promise<number> => runCli(['node', 'onair', 'tokens', 'issue', ...args], io);

describe('onair tokens issue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onair-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints only a token that a verifier with the same secret takes', async () => {
    const io = capture({ ONAIR_JWT_SECRET: SECRET });
    const args = ['--user', 'alice', '--name', 'Alice', '--role', 'moderator', '--role', 'vip', '--room', 'demo'];
    const before = Date.now();
    expect(await issue([...args, '--ttl', '2h'], io)).toBe(0);
    expect(io.err).toEqual([]);
    expect(io.out).toHaveLength(1);
    expect(io.out[0]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const identity = await (await createTokenVerifier({ key: { secret: SECRET } })).verify(io.out[0]?.trim() ?? '');
    expect(identity).toMatchObject({ userId: 'alice', name: 'Alice', roles: ['moderator', 'vip'], rooms: ['demo'] });
    expect(identity.expiresAtMs - before).toBeGreaterThan(7_200_000 - 2000);
    expect(identity.expiresAtMs - before).toBeLessThan(7_200_000 + 2000);
  });

  it('reads the secret from --secret-file, without its line break, before the environment', async () => {
    const file = join(dir, 'secret');
    writeFileSync(file, `${SECRET}\n`);
    const io = capture({ ONAIR_JWT_SECRET: 'another-secret-that-is-long-enough-0123456789' });
    expect(await issue(['--user', 'bob', '--name', 'Bob', '--role', 'viewer', '--secret-file', file], io)).toBe(0);
    const identity = await (await createTokenVerifier({ key: { secret: SECRET } })).verify(io.out[0]?.trim() ?? '');
    expect(identity).toMatchObject({ userId: 'bob', expiresAtMs: expect.any(Number) as number });
    expect(identity).not.toHaveProperty('rooms');
  });

  it.each([
    {
      name: 'an unknown role',
      args: ['--role', 'owner'],
      error: /option '--role <role>' argument 'owner' is invalid\. expected one of viewer, subscriber/,
    },
    { name: 'no role', args: [], error: /required option '--role <role>' not specified/ },
    { name: 'a bad ttl', args: ['--role', 'viewer', '--ttl', 'soon'], error: /expected a duration/ },
    { name: 'a bad room', args: ['--role', 'viewer', '--room', 'No Room'], error: /^error: rooms\.0: room must be/ },
  ])('exits 2 for $name', async ({ args, error }) => {
    const io = capture({ ONAIR_JWT_SECRET: SECRET });
    expect(await issue(['--user', 'alice', '--name', 'Alice', ...args], io)).toBe(2);
    expect(io.out).toEqual([]);
    expect(io.err.join('')).toMatch(error);
    expect(io.err.join('')).not.toContain(SECRET);
  });

  it.each([
    {
      name: 'no secret',
      env: {},
      args: [],
      error: /^error: no signing secret: set ONAIR_JWT_SECRET \(or ONAIR_JWT_SECRET_FILE\) or give --secret-file/,
    },
    { name: 'a short secret', env: { ONAIR_JWT_SECRET: 'short-secret' }, args: [], error: /at least 32 bytes/ },
    {
      name: 'a missing secret file',
      env: { ONAIR_JWT_SECRET: SECRET },
      args: ['--secret-file', '/nonexistent/secret'],
      error: /^error: cannot read the secret file: ENOENT/,
    },
  ])('exits 2 for $name, never printing the secret', async ({ env, args, error }) => {
    const io = capture(env);
    expect(await issue(['--user', 'a', '--name', 'A', '--role', 'viewer', ...args], io)).toBe(2);
    expect(io.out).toEqual([]);
    expect(io.err.join('')).toMatch(error);
    expect(io.err.join('')).not.toContain('short-secret');
    expect(io.err.join('')).not.toContain(SECRET);
  });

  it('lists the roles in its help', async () => {
    const io = capture({ ONAIR_JWT_SECRET: SECRET });
    expect(await issue(['--help'], io)).toBe(0);
    const help = io.out.join('').replace(/\s+/g, ' ');
    expect(help).toContain('--role <role> a role, repeatable: viewer, subscriber, vip, moderator, broadcaster, admin');
    expect(help).toContain('(default: 1h)');
    expect(help).not.toContain(SECRET);
  });
});
