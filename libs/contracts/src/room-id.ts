/**
 * A room id: 1 to 64 characters of a-z, 0-9 and "-" (rooms.proto `Room.id`). It is also a valid NATS subject token
 * and KV key, a URL path segment that needs no escaping, and never contains "_" (a stream key is
 * `<room id>_<secret>`).
 */
export const ROOM_ID_PATTERN = /^[a-z0-9-]{1,64}$/;
