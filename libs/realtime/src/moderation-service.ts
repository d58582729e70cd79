import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { onair, type moderation } from '@onair/proto';
import { unary } from '@onair/grpc-kit';
import type { Logger } from '@onair/runtime';
import { roomIdSchema } from './fields.js';
import type { Poster } from './identity.js';
import type { Moderation } from './moderation/moderation.js';
import { actionOfProto, protoOfAuditEntry, protoOfHeld } from './moderation-proto.js';
import { unwrap } from './result.js';
import type { Caller, ServiceAuth } from './service-auth.js';
import { validate } from './validate.js';

/** GetAuditLog's limit when the request says 0. */
export const DEFAULT_AUDIT_LIMIT = 100;
/** Most audit entries one GetAuditLog returns. */
export const MAX_AUDIT_LIMIT = 1000;

/**
 * Who acts for a gRPC call: an admin token's bearer as itself; a service as the person it names (`actor`), or as
 * `service:<its certificate's name>` (or `service:moderation` with the service token), ranked as an admin (the
 * service token or certificate vouches for it).
 */
export function grpcActor(caller: Caller, actor: moderation.Actor__Output | null): Poster {
  if (caller.kind === 'admin') return caller.poster;
  return {
    userId: actor?.userId || `service:${caller.name ?? 'moderation'}`,
    name: actor?.name || 'service',
    roles: ['admin'],
    guest: false,
  };
}

/** The room of a request, validated. @throws OnairError INVALID_ARGUMENT naming `room`. */
function roomOf(room: string): string {
  const check = validate(roomIdSchema, room);
  return unwrap(check.ok ? check : { ok: false, rejection: { ...check.rejection, field: 'room' } });
}

/**
 * onair.moderation.v1.ModerationService over a service's Moderation: the same actions, checks and audit as a
 * moderator's `moderate` frame. Every call needs the service token or an admin token (`authorize`).
 */
export function moderationServiceHandlers(
  moderationOf: Moderation,
  authorize: ServiceAuth,
  log: Logger,
): moderation.ModerationServiceHandlers {
  const grpcLog = log.child({ component: 'moderation-service' });
  return {
    Moderate: unary(grpcLog, async (req: moderation.ModerateRequest__Output, call) => {
      const actor = grpcActor(await authorize(call), req.actor);
      const action = unwrap(actionOfProto(req.action));
      const withReason = req.reason === '' ? action : { ...action, reason: req.reason };
      unwrap(await moderationOf.apply(actor, req.room, withReason));
      return {};
    }),
    GetRoomState: unary(grpcLog, async (req: moderation.GetRoomStateRequest__Output, call) => {
      await authorize(call);
      return moderationOf.settings(roomOf(req.room));
    }),
    ListHeld: unary(grpcLog, async (req: moderation.ListHeldRequest__Output, call) => {
      await authorize(call);
      return { posts: moderationOf.held(roomOf(req.room)).map(protoOfHeld) };
    }),
    GetAuditLog: unary(grpcLog, async (req: moderation.GetAuditLogRequest__Output, call) => {
      await authorize(call);
      const limit = Math.min(req.limit === 0 ? DEFAULT_AUDIT_LIMIT : req.limit, MAX_AUDIT_LIMIT);
      const entries = await moderationOf.audit(roomOf(req.room), limit);
      return { entries: entries.map(protoOfAuditEntry) };
    }),
  };
}

/** ModerationService's definition and handlers, for a realtime service's gRPC server. */
export function moderationGrpcService(
  moderationOf: Moderation,
  authorize: ServiceAuth,
  log: Logger,
): { definition: ServiceDefinition; implementation: UntypedServiceImplementation } {
  return {
    definition: onair().moderation.v1.ModerationService.service,
    implementation: moderationServiceHandlers(moderationOf, authorize, log),
  };
}
