import { describe, expect, it } from 'vitest';
import type { PresenceUser, RoomPresence } from './presence-message.js';
import { PresenceTable } from './presence-table.js';

const ann: PresenceUser = { userId: 'u1', name: 'Ann' };
const bob: PresenceUser = { userId: 'u2', name: 'Bob' };
const cy: PresenceUser = { userId: 'u3', name: 'Cy' };

function message(instance: string, rooms: Record<string, RoomPresence>) {
  return { instance, rooms: new Map(Object.entries(rooms)) };
}

describe('PresenceTable', () => {
  it('sums a room over instances and lists the union of their users by userId, sorted by name', () => {
    const table = new PresenceTable(15_000, 100);
    table.update(message('a', { r: { viewers: 2, users: [bob, ann] }, s: { viewers: 1, users: [] } }), 0);
    table.update(message('b', { r: { viewers: 3, users: [ann, cy] } }), 0);
    expect(table.room('r', 0)).toEqual({ viewers: 5, users: [ann, bob, cy] });
    expect(table.room('s', 0)).toEqual({ viewers: 1, users: [] });
    expect(table.room('none', 0)).toEqual({ viewers: 0, users: [] });
    expect(table.size).toBe(2);
  });

  it('leaves the users out when an instance left them out or when together they pass the limit', () => {
    const table = new PresenceTable(15_000, 2);
    table.update(message('a', { r: { viewers: 200 }, s: { viewers: 1, users: [ann, bob] } }), 0);
    table.update(message('b', { r: { viewers: 1, users: [ann] }, s: { viewers: 1, users: [cy] } }), 0);
    expect(table.room('r', 0)).toEqual({ viewers: 201 });
    expect(table.room('s', 0)).toEqual({ viewers: 2 });
  });

  it('takes an instance latest message as all it has, and forgets an instance without rooms at once', () => {
    const table = new PresenceTable(15_000, 100);
    table.update(message('a', { r: { viewers: 2 } }), 0);
    table.update(message('b', { r: { viewers: 3 } }), 0);
    table.update(message('a', { s: { viewers: 1 } }), 1000);
    expect(table.room('r', 1000)).toEqual({ viewers: 3 });
    table.update(message('b', {}), 1000);
    expect(table.room('r', 1000)).toEqual({ viewers: 0, users: [] });
    expect(table.size).toBe(1);
  });

  it('stops counting an instance silent for expireMs and forgets it on expire', () => {
    const table = new PresenceTable(15_000, 100);
    table.update(message('a', { r: { viewers: 2 } }), 1000);
    table.update(message('b', { r: { viewers: 3 } }), 5000);
    expect(table.room('r', 15_999).viewers).toBe(5);
    expect(table.room('r', 16_000).viewers).toBe(3);
    expect(table.expire(16_000)).toEqual(['a']);
    expect(table.size).toBe(1);
    table.update(message('b', { r: { viewers: 4 } }), 19_000);
    expect(table.expire(33_999)).toEqual([]);
    expect(table.room('r', 33_999).viewers).toBe(4);
    expect(table.expire(34_000)).toEqual(['b']);
    expect(table.size).toBe(0);
  });
});
