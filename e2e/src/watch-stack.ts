import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestNats, TestService } from '@onair/testing';
import { createRoom, startProcessGroup } from './process-group.js';

const LOOPBACK = '127.0.0.1';

/** The secret danmaku and chat verify viewer tokens with, and the relay's development sign-in signs with. */
export const WATCH_STACK_JWT_SECRET = 'e2e-watch-jwt-secret-0123456789abcdef';

/** What the watch page needs, as real processes: nats-server, ingest, an origin relay that records, danmaku, chat. */
export interface WatchStack {
  readonly nats: TestNats;
  readonly services: Readonly<Record<'ingest' | 'relay' | 'danmaku' | 'chat', TestService>>;
  /** The created room's RTMP URL (with its stream key). */
  readonly rtmpUrl: string;
  /** The relay's base URL, e.g. "http://127.0.0.1:41234": the page is `${relayBase}/watch/<room>`. */
  readonly relayBase: string;
  readonly danmakuBase: string;
  readonly chatBase: string;
  /** gRPC address of the danmaku service. */
  readonly danmakuGrpc: string;
  stop(): Promise<void>;
}

/**
 * Starts the stack the watch page runs on (every process on port 0): ingest recording new rooms, danmaku and chat with
 * {@link WATCH_STACK_JWT_SECRET}, then an origin relay following the "live" bucket and recording into a temporary
 * directory, told the danmaku and chat origins (RELAY_WATCH_*_URL) and given the secret file for the development
 * sign-in. Creates `room` through RoomsService, so its publishes are recorded.
 * @throws Error with a failing service's output, after stopping what had started.
 */
export async function startWatchStack(room: string): Promise<WatchStack> {
  const { root, nats, start, stop } = await startProcessGroup('onair-e2e-watch-');
  const secretFile = join(root, 'jwt-secret');
  await writeFile(secretFile, WATCH_STACK_JWT_SECRET, { mode: 0o600 });
  try {
    const [ingest, danmaku, chat] = await Promise.all([
      start('ingest', {
        INGEST_HOST: LOOPBACK,
        INGEST_RTMP_PORT: '0',
        INGEST_GRPC_PORT: '0',
        INGEST_HTTP_PORT: '0',
        INGEST_NATS_URL: nats.url,
        INGEST_LADDER: 'source',
        INGEST_RECORD_NEW_ROOMS: 'true',
      }),
      start('danmaku', {
        DANMAKU_HOST: LOOPBACK,
        DANMAKU_HTTP_PORT: '0',
        DANMAKU_GRPC_PORT: '0',
        DANMAKU_NATS_URL: nats.url,
        DANMAKU_JWT_SECRET: WATCH_STACK_JWT_SECRET,
      }),
      start('chat', {
        CHAT_HOST: LOOPBACK,
        CHAT_HTTP_PORT: '0',
        CHAT_GRPC_PORT: '0',
        CHAT_NATS_URL: nats.url,
        CHAT_JWT_SECRET: WATCH_STACK_JWT_SECRET,
      }),
    ]);
    const ingestGrpc = `${LOOPBACK}:${ingest.port('grpcPort')}`;
    const danmakuBase = `http://${LOOPBACK}:${danmaku.port('httpPort')}`;
    const chatBase = `http://${LOOPBACK}:${chat.port('httpPort')}`;
    const relay = await start('relay', {
      RELAY_HOST: LOOPBACK,
      RELAY_HTTP_PORT: '0',
      RELAY_GRPC_PORT: '0',
      RELAY_UPSTREAM: ingestGrpc,
      RELAY_UPSTREAM_POLL_MS: '300',
      RELAY_FOLLOW: 'all',
      RELAY_NATS_URL: nats.url,
      RELAY_RECORDINGS_DIR: join(root, 'recordings'),
      RELAY_WATCH_DANMAKU_URL: danmakuBase,
      RELAY_WATCH_CHAT_URL: chatBase,
      RELAY_WATCH_DEV_JWT_SECRET_FILE: secretFile,
    });
    const streamKey = await createRoom(ingestGrpc, room);
    return {
      nats,
      services: { ingest, relay, danmaku, chat },
      rtmpUrl: `rtmp://${LOOPBACK}:${ingest.port('rtmpPort')}/live/${streamKey}`,
      relayBase: `http://${LOOPBACK}:${relay.port('httpPort')}`,
      danmakuBase,
      chatBase,
      danmakuGrpc: `${LOOPBACK}:${danmaku.port('grpcPort')}`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
