import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_CODES, errorBody } from '@onair/runtime';
import { nameSchema, roomIdSchema } from './fields.js';
import { accepted, rejected, type Rejection, type Result } from './result.js';
import { validate } from './validate.js';

/** What a WebSocket upgrade request asks for: `/ws?room=<id>[&name=<display name>]`. */
export interface UpgradeTarget {
  readonly room: string;
  /** Display name from the URL, validated; null when absent (the client may say hello later). */
  readonly name: string | null;
}

/** Parses the request target of an upgrade (RFC 6455 §4.1 `/resource name`): NOT_FOUND off `path`, INVALID_ARGUMENT for a bad room or name. */
export function parseUpgradeTarget(target: string | undefined, path: string): Result<UpgradeTarget> {
  const url = new URL(target ?? '/', 'http://upgrade.invalid');
  if (url.pathname !== path) return rejected('NOT_FOUND', `no WebSocket endpoint here; use ${path}?room=<id>`);
  const room = validate(roomIdSchema, url.searchParams.get('room') ?? '');
  if (!room.ok) return rejected('INVALID_ARGUMENT', room.rejection.message, 'room');
  const rawName = url.searchParams.get('name');
  if (rawName === null) return accepted({ room: room.value, name: null });
  const name = validate(nameSchema, rawName);
  if (!name.ok) return rejected('INVALID_ARGUMENT', name.rejection.message, 'name');
  return accepted({ room: room.value, name: name.value });
}

/**
 * Answers a refused upgrade with the catalogue's HTTP status (RFC 9110 §15) and the one error body,
 * `{ error, message, field? }` as JSON, and closes the socket.
 */
export function refuseUpgrade(socket: Duplex, rejection: Rejection): void {
  const status = ERROR_CODES[rejection.code].http;
  const body = JSON.stringify(errorBody(rejection.code, rejection.message, rejection.field));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
