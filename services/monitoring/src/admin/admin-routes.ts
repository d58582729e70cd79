import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROOM_ID_PATTERN } from '@onair/contracts';
import { OnairError, type Logger } from '@onair/runtime';
import { adminTokenCheck } from './admin-token.js';
import type { IngestRooms } from './ingest-rooms.js';

/** Options of {@link registerAdminRoutes}. */
export interface AdminRoutesOptions {
  log: Logger;
  /** MONITORING_ADMIN_TOKEN; "" turns the admin API off (403). */
  token: string;
  /** Ingest's RoomsService; undefined when MONITORING_TARGETS names no `ingest` (503). */
  rooms: IngestRooms | undefined;
}

/** The admin actions, as the audit log names them. */
type AdminAction = 'end' | 'rotate-key' | 'record';

const recordBodySchema = z.object({ record: z.boolean() });

/**
 * The admin API (RFC 9110 POST, JSON answers, `cache-control: no-store`), each route behind MONITORING_ADMIN_TOKEN
 * (see {@link adminTokenCheck}) and each acting through ingest's RoomsService:
 * - `POST /api/admin/rooms/<room>/end`: ends the room's live publish now → `{ room, publishId }`; 404 when not live.
 * - `POST /api/admin/rooms/<room>/rotate-key`: a new stream key → `{ room, streamKey }`, shown this once; the old key
 *   is refused from the next publish on (a live publish goes on: end it too).
 * - `POST /api/admin/rooms/<room>/record` with `{"record": true|false}`: whether the room's publishes are recorded
 *   (from its next publish) → `{ room }`.
 *
 * Refusals: 403 PERMISSION_DENIED while the token is unset, 401 UNAUTHENTICATED (with `WWW-Authenticate: Bearer`)
 * without a bearer token, 403 PERMISSION_DENIED with a wrong one; 400 for a room that is not a slug or a bad body;
 * 404 for an unknown room; 503 when ingest is unreachable or refuses monitoring's own token. Every action and refusal
 * is an audit line (`component: "admin"`: action, room, remote address, outcome); tokens and keys never are.
 */
export function registerAdminRoutes(app: FastifyInstance, { log, token, rooms }: AdminRoutesOptions): void {
  const audit = log.child({ component: 'admin' });
  const check = adminTokenCheck(token);

  /** Checks the request and the room; the room id when the action may go ahead. */
  const admit = (action: AdminAction, req: FastifyRequest<{ Params: { room: string } }>, reply: FastifyReply) => {
    const { room } = req.params;
    const auth = check(req.headers.authorization);
    if (auth !== 'ok') {
      audit.warn({ action, room, remote: req.ip, outcome: `refused: token ${auth}` }, 'admin action refused');
      if (auth === 'missing') {
        void reply.header('www-authenticate', 'Bearer realm="onair-admin"');
        throw new OnairError('UNAUTHENTICATED', 'admin actions need "Authorization: Bearer <MONITORING_ADMIN_TOKEN>"');
      }
      throw new OnairError(
        'PERMISSION_DENIED',
        auth === 'off' ? 'admin actions are off: MONITORING_ADMIN_TOKEN is unset' : 'wrong MONITORING_ADMIN_TOKEN',
      );
    }
    if (!ROOM_ID_PATTERN.test(room))
      throw new OnairError('INVALID_ARGUMENT', 'room must be a room id (a slug)', { field: 'room' });
    if (!rooms) throw new OnairError('UNAVAILABLE', 'MONITORING_TARGETS names no ingest to act through');
    return { room, rooms };
  };

  /** Runs an admitted action, writing its audit line whatever the outcome. */
  const act = async <T>(
    action: AdminAction,
    req: FastifyRequest<{ Params: { room: string } }>,
    reply: FastifyReply,
    work: (room: string, rooms: IngestRooms) => Promise<T>,
    detail: (result: T) => Record<string, unknown> = () => ({}),
  ): Promise<T> => {
    void reply.header('cache-control', 'no-store');
    const { room, rooms: ingest } = admit(action, req, reply);
    try {
      const result = await work(room, ingest);
      audit.info({ action, room, remote: req.ip, outcome: 'done', ...detail(result) }, 'admin action');
      return result;
    } catch (err) {
      const code = err instanceof OnairError ? err.code : 'INTERNAL';
      audit.warn({ action, room, remote: req.ip, outcome: `failed: ${code}` }, 'admin action failed');
      throw err;
    }
  };

  app.post<{ Params: { room: string } }>('/api/admin/rooms/:room/end', (req, reply) =>
    act(
      'end',
      req,
      reply,
      async (room, ingest) => ({ room, publishId: await ingest.endPublish(room) }),
      (r) => ({ publishId: r.publishId }),
    ),
  );

  app.post<{ Params: { room: string } }>('/api/admin/rooms/:room/rotate-key', (req, reply) =>
    act('rotate-key', req, reply, (room, ingest) => ingest.rotateKey(room)),
  );

  app.post<{ Params: { room: string }; Body: unknown }>('/api/admin/rooms/:room/record', (req, reply) =>
    act(
      'record',
      req,
      reply,
      async (room, ingest) => {
        const body = recordBodySchema.safeParse(req.body);
        if (!body.success)
          throw new OnairError('INVALID_ARGUMENT', 'body must be {"record": true|false}', { field: 'record' });
        return { room: await ingest.setRecord(room, body.data.record) };
      },
      (r) => ({ record: r.room.record }),
    ),
  );
}
