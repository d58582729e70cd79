import { call, createClient } from '@onair/grpc-kit';
import { onair } from '@onair/proto';
import { startNats, startService, type TestNats, type TestService } from '@onair/testing';

const LOOPBACK = '127.0.0.1';

/** nats-server, ingest and an origin relay following it, as real processes, with one room created. */
export interface MediaStack {
  readonly nats: TestNats;
  readonly ingest: TestService;
  readonly origin: TestService;
  /** The created room's stream key. */
  readonly streamKey: string;
  /** An HLS URL of the room on the origin, e.g. hls("master.m3u8"). */
  hls(path: string): string;
  stop(): Promise<void>;
}

/**
 * Starts the media path alone (no danmaku, chat or monitoring) on ports the processes pick, and creates `room`
 * through RoomsService.
 * @param ladder INGEST_LADDER.
 * @throws Error with a failing service's output, after stopping what had started.
 */
export async function startMediaStack(room: string, ladder: string): Promise<MediaStack> {
  const nats = await startNats();
  const started: TestService[] = [];
  const stop = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop();
    await nats.stop();
  };
  try {
    const ingest = await startService(
      'ingest',
      {
        INGEST_HOST: LOOPBACK,
        INGEST_RTMP_PORT: '0',
        INGEST_GRPC_PORT: '0',
        INGEST_HTTP_PORT: '0',
        INGEST_NATS_URL: nats.url,
        INGEST_LADDER: ladder,
      },
      30_000,
    );
    started.push(ingest);
    const origin = await startService(
      'relay',
      {
        RELAY_HOST: LOOPBACK,
        RELAY_HTTP_PORT: '0',
        RELAY_GRPC_PORT: '0',
        RELAY_UPSTREAM: `${LOOPBACK}:${ingest.port('grpcPort')}`,
        RELAY_UPSTREAM_POLL_MS: '300',
      },
      30_000,
    );
    started.push(origin);
    const rooms = createClient(onair().rooms.v1.RoomsService, `${LOOPBACK}:${ingest.port('grpcPort')}`);
    const { streamKey } = await call<{ streamKey: string }>((cb) => rooms.CreateRoom({ id: room, title: room }, cb));
    rooms.close();
    return {
      nats,
      ingest,
      origin,
      streamKey,
      hls: (path) => `http://${LOOPBACK}:${origin.port('httpPort')}/hls/${room}/${path}`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
