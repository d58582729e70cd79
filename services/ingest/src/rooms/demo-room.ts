import { OnairError, type Logger } from '@onair/runtime';
import { streamKeyMatches } from './stream-key.js';
import type { RoomStore } from './room-store.js';

/** What {@link ensureDemoRoom} makes sure of. */
export interface DemoRoomOptions {
  /** Room id (a slug). */
  readonly room: string;
  /** Operator-chosen stream key `<room>_<secret>`; empty: a new key is made when the room is created. */
  readonly streamKey: string;
  /** RTMP application publishers connect to, for the log line: rtmp://<host>/<app>. */
  readonly rtmpApp: string;
}

/** How {@link ensureDemoRoom} found the room. */
export type DemoRoomOutcome = 'created' | 'key-set' | 'exists';

/**
 * Makes sure the demo room exists when ingest starts, so a first `docker compose up` can be published to at
 * once. A missing room is created, with the chosen key or a new one; a new key is written to the log once, at
 * creation, as `demoStreamKey` (the only place it is ever shown). An existing room keeps its key unless a chosen
 * key is configured and differs, in which case the chosen key replaces it. Several instances starting together
 * are safe: the room store's create is atomic.
 * @throws OnairError INVALID_ARGUMENT for a bad room id or chosen key.
 */
export async function ensureDemoRoom(
  store: RoomStore,
  { room, streamKey, rtmpApp }: DemoRoomOptions,
  log: Logger,
): Promise<DemoRoomOutcome> {
  const roomLog = log.child({ component: 'demo-room', room });
  const existing = await store.get(room);
  if (!existing) {
    try {
      const created = await store.create(room, 'Demo room', streamKey || undefined);
      if (streamKey) roomLog.info('demo room created with the stream key from the configuration');
      else
        roomLog.info(
          { demoStreamKey: created.streamKey, server: `rtmp://<host>/${rtmpApp}` },
          'demo room created: publish to server with demoStreamKey as the stream key (shown only now)',
        );
      return 'created';
    } catch (err) {
      if (!(err instanceof OnairError && err.code === 'ALREADY_EXISTS')) throw err;
      // another instance created it first
    }
  }
  if (streamKey) {
    // Read again only when another instance created the room between the first read and create.
    const stored = existing ?? (await store.get(room));
    if (!stored || !streamKeyMatches(streamKey, stored.streamKeyHash)) {
      await store.rotateStreamKey(room, streamKey);
      roomLog.info('demo room stream key set from the configuration');
      return 'key-set';
    }
    roomLog.info('demo room exists with the stream key from the configuration');
    return 'exists';
  }
  roomLog.info('demo room exists; its stream key is unchanged (`onair rooms rotate-key` makes a new one)');
  return 'exists';
}
