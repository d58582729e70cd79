import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port on 127.0.0.1 and releases it for the caller to bind.
 * Another process can take the port before the caller binds it: prefer port 0 and read the bound port back, and
 * wrap the start of anything that must be told its port in advance in {@link retryWhilePortTaken}.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs `start` (which picks its ports with {@link freePort}) again, up to `attempts` times in all, while it fails
 * because another process bound one of those ports between the pick and the bind (EADDRINUSE in the error).
 * @throws the last error, or at once any error that is not EADDRINUSE.
 */
export async function retryWhilePortTaken<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts || !String(err).includes('EADDRINUSE')) throw err;
    }
  }
}
