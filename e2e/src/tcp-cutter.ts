import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A TCP forwarder whose connections can be cut, as a network drop would. */
export interface TcpCutter {
  readonly port: number;
  /** Destroys every connection through it (both sides, without a FIN: the peers find out on their next write). */
  cut(): void;
  close(): Promise<void>;
}

/** Forwards 127.0.0.1:<port> to 127.0.0.1:`target`. */
export async function startTcpCutter(target: number): Promise<TcpCutter> {
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => sockets.delete(s));
  };
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      for (const s of sockets) s.resetAndDestroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
