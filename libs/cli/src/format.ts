import type { rooms } from '@onair/proto';

/** A room and, after create/rotate, its stream key with where to publish it. */
export interface RoomView {
  readonly id: string;
  readonly title: string;
  readonly createdAt: string;
  readonly live: boolean;
  /** Whether the room's publishes are recorded (from its next publish, when just changed). */
  readonly record: boolean;
}

/** The stream key and the URLs to publish with (OBS: Server + Stream Key; ffmpeg: the full URL). */
export interface KeyView {
  readonly streamKey: string;
  /** OBS "Server", e.g. rtmp://127.0.0.1/live */
  readonly server: string;
  /** Full publish URL, e.g. rtmp://127.0.0.1/live/<stream key> */
  readonly publishUrl: string;
}

/** A room for output: creation time as ISO 8601. */
export function roomView(room: rooms.Room__Output | null): RoomView {
  if (!room) throw new Error('the server answered without a room');
  const { id, title, live, record } = room;
  return { id, title, createdAt: new Date(room.createdAtMs).toISOString(), live, record };
}

/** The publish URLs of a stream key under an RTMP application URL (no trailing slash needed). */
export function keyView(streamKey: string, rtmpUrl: string): KeyView {
  const server = rtmpUrl.replace(/\/+$/, '');
  return { streamKey, server, publishUrl: `${server}/${streamKey}` };
}

/** One room as aligned "name  value" lines, plus the key lines when given. */
export function formatRoom(room: RoomView, key?: KeyView): string {
  const rows: Array<[string, string]> = [
    ['room', room.id],
    ['title', room.title],
    ['created', room.createdAt],
    ['live', room.live ? 'yes' : 'no'],
    ['record', room.record ? 'on' : 'off'],
  ];
  if (key) rows.push(['stream key', key.streamKey], ['server (OBS)', key.server], ['publish URL', key.publishUrl]);
  return rows.map(([k, v]) => `${k.padEnd(13)}${v}`).join('\n') + '\n';
}

/** Rooms as a table with a header; a note when there are none. */
export function formatRoomList(list: readonly RoomView[]): string {
  if (list.length === 0) return 'no rooms yet: onair rooms create <id>\n';
  const header = ['ROOM', 'LIVE', 'RECORD', 'CREATED', 'TITLE'];
  const rows = list.map((r) => [r.id, r.live ? 'yes' : 'no', r.record ? 'on' : 'off', r.createdAt, r.title]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 2))).join('');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
