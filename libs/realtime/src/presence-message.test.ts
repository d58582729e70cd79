import { describe, expect, it } from 'vitest';
import { encodePresence, PresenceCodec, type RoomPresence } from './presence-message.js';

const codec = new PresenceCodec(2);

describe('PresenceCodec.decode', () => {
  it('reads an instance and its rooms with viewers', () => {
    const data = JSON.stringify({
      instance: 'i1',
      rooms: { a: { viewers: 2, users: [{ userId: 'u1', name: 'Ann' }] }, b: { viewers: 5 }, c: { viewers: 0 } },
    });
    expect(codec.decode(data)).toEqual({
      instance: 'i1',
      rooms: new Map<string, RoomPresence>([
        ['a', { viewers: 2, users: [{ userId: 'u1', name: 'Ann' }] }],
        ['b', { viewers: 5 }],
      ]),
    });
    expect(codec.decode('{"instance":"i1","rooms":{}}')).toEqual({ instance: 'i1', rooms: new Map() });
  });

  const user = { userId: 'u', name: 'n' };
  it.each([
    ['not JSON', 'x{'],
    ['no instance', '{"rooms":{}}'],
    ['an empty instance', '{"instance":"","rooms":{}}'],
    ['a bad room id', '{"instance":"i","rooms":{"A B":{"viewers":1}}}'],
    ['negative viewers', '{"instance":"i","rooms":{"a":{"viewers":-1}}}'],
    ['fractional viewers', '{"instance":"i","rooms":{"a":{"viewers":1.5}}}'],
    [
      'more users than the limit',
      JSON.stringify({ instance: 'i', rooms: { a: { viewers: 3, users: [user, user, user] } } }),
    ],
    ['a user without name', '{"instance":"i","rooms":{"a":{"viewers":1,"users":[{"userId":"u"}]}}}'],
  ])('refuses %s', (_, data) => {
    expect(codec.decode(data)).toBeUndefined();
  });
});

describe('encodePresence', () => {
  const rooms = new Map<string, RoomPresence>([
    ['small', { viewers: 1, users: [{ userId: 'u1', name: 'Ann' }] }],
    ['big', { viewers: 900 }],
    ['mid', { viewers: 40, users: [{ userId: 'u2', name: 'Bob' }] }],
  ]);
  const message = { instance: 'i1', rooms };

  it('encodes the whole message when it fits', () => {
    const encoded = encodePresence(message, 1_048_576);
    expect(encoded).toEqual({ data: expect.any(String) as string, usersDropped: false, roomsDropped: 0 });
    expect(codec.decode(encoded.data)).toEqual(message);
  });

  it('leaves the users out, then the rooms with the fewest viewers, to stay within maxBytes', () => {
    const countsOnly = '{"instance":"i1","rooms":{"big":{"viewers":900},"mid":{"viewers":40},"small":{"viewers":1}}}';
    expect(encodePresence(message, countsOnly.length)).toEqual({
      data: countsOnly,
      usersDropped: true,
      roomsDropped: 0,
    });
    const twoRooms = '{"instance":"i1","rooms":{"big":{"viewers":900},"mid":{"viewers":40}}}';
    expect(encodePresence(message, countsOnly.length - 1)).toEqual({
      data: twoRooms,
      usersDropped: true,
      roomsDropped: 1,
    });
    expect(encodePresence(message, 10).data).toBe('{"instance":"i1","rooms":{}}');
  });
});
