import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, retryWhilePortTaken } from './ports.js';

const listen = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
const boundPort = (srv: Server): number => {
  const addr = srv.address();
  return typeof addr === 'object' && addr ? addr.port : 0;
};

describe('retryWhilePortTaken', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it('starts again on new ports when another process took the picked one', async () => {
    const squatter = await listen(0);
    servers.push(squatter);
    const picks = [boundPort(squatter)];
    const srv = await retryWhilePortTaken(async () => {
      const port = picks.shift() ?? (await freePort());
      return listen(port);
    });
    servers.push(srv);
    expect(picks).toEqual([]);
    expect(boundPort(srv)).not.toBe(boundPort(squatter));
  });

  it('gives up after the attempts, with the last EADDRINUSE', async () => {
    const squatter = await listen(0);
    servers.push(squatter);
    let calls = 0;
    await expect(
      retryWhilePortTaken(() => {
        calls++;
        return listen(boundPort(squatter));
      }, 2),
    ).rejects.toThrow(/EADDRINUSE/);
    expect(calls).toBe(2);
  });

  it('throws any other failure at once', async () => {
    let calls = 0;
    await expect(
      retryWhilePortTaken(() => {
        calls++;
        return Promise.reject(new Error('ffmpeg not found'));
      }),
    ).rejects.toThrow('ffmpeg not found');
    expect(calls).toBe(1);
  });
});
