import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, createClient } from '@onair/grpc-kit';
import { onair } from '@onair/proto';
import { startNats, startService, type TestNats, type TestService } from '@onair/testing';

/** A nats-server, the services started beside it and a temporary directory, stopped and removed together. */
export interface ProcessGroup {
  /** The temporary directory (recordings, secret files), removed by `stop`. */
  readonly root: string;
  readonly nats: TestNats;
  /** Starts a built service (see startService) with `env`, waiting up to 30 s for its ports. */
  readonly start: (name: string, env: NodeJS.ProcessEnv) => Promise<TestService>;
  /** Stops the services in reverse order of start, then nats-server, then removes `root`. */
  readonly stop: () => Promise<void>;
}

/**
 * Makes a temporary directory named after `prefix` and starts a nats-server.
 * @throws Error when nats-server does not start (the directory is removed).
 */
export async function startProcessGroup(prefix: string): Promise<ProcessGroup> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const nats = await startNats().catch(async (err: unknown) => {
    await rm(root, { recursive: true, force: true });
    throw err;
  });
  const started: TestService[] = [];
  return {
    root,
    nats,
    start: async (name, env) => {
      const svc = await startService(name, env, 30_000);
      started.push(svc);
      return svc;
    },
    stop: async () => {
      for (const s of started.reverse()) await s.stop();
      await nats.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Creates `room` through ingest's RoomsService at `ingestGrpc` ("host:port") and resolves to its stream key. */
export async function createRoom(ingestGrpc: string, room: string): Promise<string> {
  const rooms = createClient(onair().rooms.v1.RoomsService, ingestGrpc);
  try {
    const { streamKey } = await call<{ streamKey: string }>((cb) => rooms.CreateRoom({ id: room, title: room }, cb));
    return streamKey;
  } finally {
    rooms.close();
  }
}
