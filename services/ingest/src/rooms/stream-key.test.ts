import { describe, expect, it } from 'vitest';
import { generateStreamKey, hashStreamKey, roomIdOfStreamKey, streamKeyMatches } from './stream-key.js';

describe('stream keys', () => {
  it('are <room>_<43 base64url chars> and match only their own hash', () => {
    const key = generateStreamKey('my-room');
    expect(key).toMatch(/^my-room_[A-Za-z0-9_-]{43}$/);
    expect(streamKeyMatches(key, hashStreamKey(key))).toBe(true);
    expect(streamKeyMatches(generateStreamKey('my-room'), hashStreamKey(key))).toBe(false);
    expect(streamKeyMatches(`${key}x`, hashStreamKey(key))).toBe(false);
  });

  it.each([
    { key: 'room_secret', room: 'room' },
    { key: 'a-1_x_y', room: 'a-1' },
    { key: '_secret', room: undefined },
    { key: 'no-separator', room: undefined },
    { key: 'Upper_secret', room: undefined },
    { key: `${'a'.repeat(65)}_s`, room: undefined },
    { key: '', room: undefined },
  ])('roomIdOfStreamKey($key) = $room', ({ key, room }) => {
    expect(roomIdOfStreamKey(key)).toBe(room);
  });

  it('treats a malformed stored hash as no match', () => {
    expect(streamKeyMatches('a_b', 'abcd')).toBe(false);
  });
});
