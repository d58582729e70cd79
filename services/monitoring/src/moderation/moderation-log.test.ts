import { describe, expect, it } from 'vitest';
import type { ModerationAction } from '../status/status-types.js';
import { ModerationLog } from './moderation-log.js';

const act = (atMs: number, target = 'u-1', over: Partial<ModerationAction> = {}): ModerationAction => ({
  service: 'chat',
  room: 'demo',
  atMs,
  action: 'timeout',
  detail: '60 s',
  actor: 'Dana',
  target,
  reason: '',
  ...over,
});

describe('ModerationLog', () => {
  it('keeps each action once however often a poll answers it, and tells listeners only the new ones', () => {
    const log = new ModerationLog();
    const heard: ModerationAction[][] = [];
    log.subscribe((added) => heard.push(added));
    expect(log.add([act(2), act(1)])).toEqual([act(1), act(2)]);
    expect(log.add([act(1), act(2)])).toEqual([]);
    expect(log.add([act(2), act(2, 'u-2'), act(3)])).toEqual([act(2, 'u-2'), act(3)]);
    expect(log.recent()).toEqual([act(1), act(2), act(2, 'u-2'), act(3)]);
    expect(heard).toEqual([
      [act(1), act(2)],
      [act(2, 'u-2'), act(3)],
    ]);
  });

  it('tells rooms and services apart', () => {
    const log = new ModerationLog();
    log.add([act(5)]);
    const other = [act(1, 'u-1', { room: 'other' }), act(1, 'u-1', { service: 'danmaku' })];
    expect(log.add(other)).toEqual(other);
  });

  it('never holds more than its capacity, the oldest dropped', () => {
    const log = new ModerationLog({ capacity: 3 });
    for (let i = 1; i <= 10; i += 1) log.add([act(i)]);
    expect(log.recent().map((a) => a.atMs)).toEqual([8, 9, 10]);
  });

  it('forgets the least recently added room past maxRooms: its old actions count as new again', () => {
    const log = new ModerationLog({ maxRooms: 1 });
    log.add([act(1)]);
    log.add([act(1, 'u-1', { room: 'other' })]);
    expect(log.add([act(1)])).toEqual([act(1)]);
  });

  it.each([0, -1, 1.5])('refuses a capacity of %s', (capacity) => {
    expect(() => new ModerationLog({ capacity })).toThrow(RangeError);
  });
});
