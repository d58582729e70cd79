import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@onair/nats-kit';
import { startNatsFixture } from './nats-client.js';
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

  it('restarts on the same port with the JetStream store kept, and clients reconnect', async () => {
    const fixture = await startNatsFixture();
    try {
      const jsm = await jetstreamManager(fixture.nc);
      await jsm.streams.add({ name: 'KEPT', subjects: ['kept.>'] });
      await jetstream(fixture.nc).publish('kept.a', 'before');
      const before = fixture.nats.process;
      const reconnected = (async () => {
        for await (const status of fixture.nc.status()) if (status.type === 'reconnect') return;
      })();
      await fixture.nats.restart();
      await reconnected;
      expect(fixture.nats.process).not.toBe(before);
      await jetstream(fixture.nc).publish('kept.a', 'after');
      const stored = await jsm.streams.getMessage('KEPT', { seq: 1 });
      expect(stored?.string()).toBe('before');
      expect((await jsm.streams.info('KEPT')).state.messages).toBe(2);
    } finally {
      await fixture.stop();
    }
  });
});
