import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, OnairError } from '@onair/runtime';
import type { AdminRoom } from '../admin/ingest-rooms.js';
import { createRecordStates } from './record-states.js';

const room = (id: string, record: boolean, recording: boolean): AdminRoom => ({
  id,
  title: id,
  createdAtMs: 0,
  live: true,
  record,
  recording,
});

/** A hand-written RoomsService.GetRoom: answers from `answers`, or throws UNAVAILABLE for a room set to fail. */
function fakeIngest() {
  const answers = new Map<string, AdminRoom>();
  const failing = new Set<string>();
  const asked: string[] = [];
  return {
    answers,
    failing,
    asked,
    getRoom: (id: string): Promise<AdminRoom> => {
      asked.push(id);
      const answer = answers.get(id);
      if (failing.has(id) || !answer) return Promise.reject(new OnairError('UNAVAILABLE', 'ingest is down'));
      return Promise.resolve(answer);
    },
  };
}

describe('createRecordStates', () => {
  afterEach(() => vi.useRealTimers());

  it('asks for every live room each interval, tells changes, forgets rooms no longer live, keeps a failed one', async () => {
    vi.useFakeTimers();
    const ingest = fakeIngest();
    let live = ['a', 'b'];
    let changes = 0;
    const states = createRecordStates({
      rooms: ingest,
      liveRooms: () => live,
      intervalMs: 1000,
      onChange: () => (changes += 1),
      log: createLogger({ service: 'test', level: 'silent' }),
    });
    ingest.answers.set('a', room('a', true, false));
    ingest.answers.set('b', room('b', false, false));
    states.start();
    await vi.advanceTimersByTimeAsync(0);
    expect([states.get('a'), states.get('b'), changes]).toEqual([
      { recording: false, next: true },
      { recording: false, next: false },
      1,
    ]);

    await vi.advanceTimersByTimeAsync(1000);
    expect(changes).toBe(1);

    ingest.failing.add('a');
    live = ['a'];
    await vi.advanceTimersByTimeAsync(1000);
    expect([states.get('a'), states.get('b'), changes]).toEqual([{ recording: false, next: true }, null, 2]);

    states.set(room('a', false, false));
    expect([states.get('a'), changes]).toEqual([{ recording: false, next: false }, 3]);
    states.set(room('gone', true, true));
    expect([states.get('gone'), changes]).toEqual([null, 3]);

    states.stop();
    const asked = ingest.asked.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(ingest.asked).toHaveLength(asked);
  });
});
