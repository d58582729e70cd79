import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_CODES, errorBody } from '@onair/runtime';
import { roomIdSchema } from './fields.js';
import { accepted, rejected, type Rejection, type Result } from './result.js';
import { validate } from './validate.js';

/** What a WebSocket upgrade request asks for: `/ws?room=<id>` (who the viewer is comes in its hello, never in the URL). */
export interface UpgradeTarget {
  readonly room: string;
}

/**
 * Parses the request target of an upgrade (RFC 6455 §4.1 `/resource name`): NOT_FOUND off `path`, INVALID_ARGUMENT for
 * a bad room or a `token` parameter (tokens in URLs end up in access logs; they go in the hello).
 */
export function parseUpgradeTarget(target: string | undefined, path: string): Result<UpgradeTarget> {
  const url = new URL(target ?? '/', 'http://upgrade.invalid');
  if (url.pathname !== path) return rejected('NOT_FOUND', `no WebSocket endpoint here; use ${path}?room=<id>`);
  const room = validate(roomIdSchema, url.searchParams.get('room') ?? '');
  if (!room.ok) return rejected('INVALID_ARGUMENT', room.rejection.message, 'room');
  if (url.searchParams.has('token'))
    return rejected('INVALID_ARGUMENT', 'send the token in the hello frame, never in the URL', 'token');
  return accepted({ room: room.value });
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
