import { join } from 'node:path';
import type { TestNats, TestService } from '@onair/testing';
import { createRoom, startProcessGroup } from './process-group.js';

const LOOPBACK = '127.0.0.1';

/** The secret the recorded stack's danmaku verifies viewer tokens with (HS256). */
export const RECORDED_STACK_JWT_SECRET = 'e2e-recorded-jwt-secret-0123456789abcdef';

/** nats-server, ingest, an origin relay that records, and one danmaku, as real processes, with one room created. */
export interface RecordedStack {
  readonly nats: TestNats;
  readonly services: Readonly<Record<'ingest' | 'origin' | 'danmaku', TestService>>;
  /** The created room's stream key. */
  readonly streamKey: string;
  /** The ingest's RTMP URL for the room's stream key. */
  readonly rtmpUrl: string;
  /** Base URL of the origin relay (HLS, /vod, /api/recordings), e.g. "http://127.0.0.1:41234". */
  readonly relayBase: string;
  /** Base URL of the danmaku service's HTTP API (replay, formats, /dplayer/v3/). */
  readonly danmakuBase: string;
  /** gRPC address of the danmaku service ("127.0.0.1:<port>"). */
  readonly danmakuGrpc: string;
  stop(): Promise<void>;
}

/**
 * Starts the recording path: ingest with `INGEST_RECORD_NEW_ROOMS=true` and the one-rendition ladder `ladder`, an
 * origin relay following rooms from the "live" bucket (`RELAY_FOLLOW=all`, `RELAY_NATS_URL`) and recording into a
 * temporary directory (removed by `stop`), and a danmaku instance taking viewer tokens signed with
 * {@link RECORDED_STACK_JWT_SECRET}; every process binds port 0. Creates `room` through RoomsService, so it is
 * recorded.
 * @throws Error with a failing service's output, after stopping what had started.
 */
export async function startRecordedStack(room: string, ladder = 'source'): Promise<RecordedStack> {
  const { root, nats, start, stop } = await startProcessGroup('onair-e2e-recordings-');
  try {
    const ingest = await start('ingest', {
      INGEST_HOST: LOOPBACK,
      INGEST_RTMP_PORT: '0',
      INGEST_GRPC_PORT: '0',
      INGEST_HTTP_PORT: '0',
      INGEST_NATS_URL: nats.url,
      INGEST_LADDER: ladder,
      INGEST_RECORD_NEW_ROOMS: 'true',
    });
    const ingestGrpc = `${LOOPBACK}:${ingest.port('grpcPort')}`;
    const [origin, danmaku] = await Promise.all([
      start('relay', {
        RELAY_HOST: LOOPBACK,
        RELAY_HTTP_PORT: '0',
        RELAY_GRPC_PORT: '0',
        RELAY_UPSTREAM: ingestGrpc,
        RELAY_UPSTREAM_POLL_MS: '300',
        RELAY_FOLLOW: 'all',
        RELAY_NATS_URL: nats.url,
        RELAY_RECORDINGS_DIR: join(root, 'recordings'),
      }),
      start('danmaku', {
        DANMAKU_HOST: LOOPBACK,
        DANMAKU_HTTP_PORT: '0',
        DANMAKU_GRPC_PORT: '0',
        DANMAKU_NATS_URL: nats.url,
        DANMAKU_JWT_SECRET: RECORDED_STACK_JWT_SECRET,
      }),
    ]);
    const streamKey = await createRoom(ingestGrpc, room);
    return {
      nats,
      services: { ingest, origin, danmaku },
      streamKey,
      rtmpUrl: `rtmp://${LOOPBACK}:${ingest.port('rtmpPort')}/live/${streamKey}`,
      relayBase: `http://${LOOPBACK}:${origin.port('httpPort')}`,
      danmakuBase: `http://${LOOPBACK}:${danmaku.port('httpPort')}`,
      danmakuGrpc: `${LOOPBACK}:${danmaku.port('grpcPort')}`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
