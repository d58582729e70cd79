import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startNats } from './nats-server.js';

/** The first line a NATS server sends a new client (NATS client protocol: INFO {json}). */
const greeting = (url: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const sock = connect(Number(port), hostname);
    sock.once('data', (d: Buffer) => {
      sock.destroy();
      resolve(d.toString().split('\r\n')[0] ?? '');
    });
    sock.once('error', reject);
  });

describe('startNats', () => {
  it('runs servers on ports they bound themselves, each with JetStream, and removes their data on stop', async () => {
    const [a, b] = await Promise.all([startNats(), startNats()]);
    try {
      expect(a.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      expect(a.url).not.toBe(b.url);
      for (const server of [a, b]) {
        const info = JSON.parse((await greeting(server.url)).replace(/^INFO /, '')) as { jetstream?: boolean };
        expect(info.jetstream).toBe(true);
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    const dataDir = a.process.child.spawnargs[a.process.child.spawnargs.indexOf('-sd') + 1]!;
    expect(existsSync(dataDir)).toBe(false);
  });
});
