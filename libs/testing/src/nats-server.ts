import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { startProcess, type TestProcess } from './process.js';
import { waitFor } from './wait.js';

/** A real nats-server with JetStream, on a free port, with its own data dir. */
export interface TestNats {
  /** "nats://127.0.0.1:<port>" */
  readonly url: string;
  readonly process: TestProcess;
  /** Stops the server and removes its data dir. */
  stop(): Promise<void>;
}

/** Starts nats-server (from PATH, or NATS_SERVER_BIN) with JetStream and waits until it accepts connections. */
export async function startNats(): Promise<TestNats> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'onair-nats-'));
  const proc = startProcess(process.env.NATS_SERVER_BIN ?? 'nats-server', [
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    '-js',
    '-sd',
    dir,
  ]);
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const sock = connect(port, '127.0.0.1', () => {
          sock.destroy();
          resolve(true);
        });
        sock.on('error', () => resolve(false));
      }),
    { what: `nats-server on ${port}: ${proc.output()}` },
  );
  return {
    url: `nats://127.0.0.1:${port}`,
    process: proc,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
