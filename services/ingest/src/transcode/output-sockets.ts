import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

/** A listening unix socket that one ffmpeg output connects to. */
export interface OutputSocket {
  /** ffmpeg output URL, `unix:<path>`. */
  readonly url: string;
  /**
   * Resolves with ffmpeg's connection (the socket stops listening once it has it), or with undefined when
   * the sockets are closed before anyone connected.
   */
  readonly connection: Promise<Socket | undefined>;
}

/** The sockets of one ffmpeg run, in ladder order. */
export interface OutputSockets {
  readonly outputs: readonly OutputSocket[];
  /** Stops listening where nobody connected yet (connections already made stay open). */
  close(): void;
}

/**
 * Listens on `count` unix sockets `<dir>/<prefix>-<i>.sock` for ffmpeg's outputs (ffmpeg `unix:` protocol,
 * which connects as a client). `dir` should be private to the process (mode 0700), so no one else can connect
 * first; each socket accepts exactly one connection.
 * @throws Error when a socket cannot listen (path too long, directory gone).
 */
export async function listenOutputSockets(dir: string, prefix: string, count: number): Promise<OutputSockets> {
  const closers: Array<() => void> = [];
  const close = (): void => {
    for (const c of closers) c();
  };
  const outputs: OutputSocket[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const path = join(dir, `${prefix}-${i}.sock`);
      const server = createServer();
      let settle: (socket: Socket | undefined) => void = () => undefined;
      const connection = new Promise<Socket | undefined>((resolve) => (settle = resolve));
      let taken = false;
      server.on('connection', (socket: Socket) => {
        if (taken) {
          socket.destroy();
          return;
        }
        taken = true;
        server.close();
        settle(socket);
      });
      closers.push(() => {
        if (server.listening) server.close();
        settle(undefined);
      });
      await listen(server, path);
      outputs.push({ url: `unix:${path}`, connection });
    }
  } catch (err) {
    close();
    throw err;
  }
  return { outputs, close };
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
