import { OnairError, type Logger } from '@onair/runtime';
import type { AdminRoom, IngestRooms } from '../admin/ingest-rooms.js';
import type { RecordState } from './status-types.js';

/** Options of {@link createRecordStates}. */
export interface RecordStatesOptions {
  /** Ingest's RoomsService. */
  rooms: Pick<IngestRooms, 'getRoom'>;
  /** The live rooms now. */
  liveRooms: () => readonly string[];
  /** Time between two rounds, ms. */
  intervalMs: number;
  /** Called after a round or a {@link RecordStates.set} changed a room's state. */
  onChange: () => void;
  log: Logger;
}

/** The record state of every live room, as ingest's RoomsService tells it. */
export interface RecordStates {
  /** The room's state; null until ingest answered for it. */
  get(room: string): RecordState | null;
  /** Takes the state of a room ingest just answered (e.g. the admin record toggle's UpdateRoom). */
  set(room: AdminRoom): void;
  start(): void;
  stop(): void;
}

const same = (a: RecordState | undefined, b: RecordState): boolean =>
  a !== undefined && a.recording === b.recording && a.next === b.next;

/**
 * Creates {@link RecordStates}: every `intervalMs` (one round at a time) it asks ingest's RoomsService.GetRoom
 * (proto/onair/rooms/v1/rooms.proto) for each live room's `recording` (the live publish is recorded) and `record`
 * (the setting for the next publish), forgets rooms no longer live, and calls `onChange` when a state changed. A room
 * ingest fails for keeps its last state; the failure is logged once until it answers again.
 */
export function createRecordStates({ rooms, liveRooms, intervalMs, onChange, log }: RecordStatesOptions): RecordStates {
  const recordLog = log.child({ component: 'record-states' });
  const states = new Map<string, RecordState>();
  const failing = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const put = (room: string, state: RecordState): boolean => {
    if (same(states.get(room), state)) return false;
    states.set(room, state);
    return true;
  };
  const ask = async (room: string): Promise<boolean> => {
    try {
      const answer = await rooms.getRoom(room);
      if (failing.delete(room)) recordLog.info({ room }, 'room record state answered');
      return put(room, { recording: answer.recording, next: answer.record });
    } catch (err) {
      if (!failing.has(room)) {
        failing.add(room);
        recordLog.warn(
          { room, code: err instanceof OnairError ? err.code : 'INTERNAL', err },
          'room record state failed',
        );
      }
      return false;
    }
  };
  const round = async (): Promise<void> => {
    if (stopped) return;
    const live = new Set(liveRooms());
    let changed = false;
    for (const room of states.keys())
      if (!live.has(room)) {
        states.delete(room);
        failing.delete(room);
        changed = true;
      }
    const answers = await Promise.all([...live].map(ask));
    if (changed || answers.includes(true)) onChange();
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void round().finally(schedule), intervalMs);
  };

  return {
    get: (room) => states.get(room) ?? null,
    set(room) {
      if (!liveRooms().includes(room.id)) return;
      if (put(room.id, { recording: room.recording, next: room.record })) onChange();
    },
    start() {
      void round().finally(schedule);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
