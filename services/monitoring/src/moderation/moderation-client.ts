import { Metadata } from '@grpc/grpc-js';
import { onair, type moderation } from '@onair/proto';
import { call, createClient, deadlineIn, type GrpcTls } from '@onair/grpc-kit';

/** The ModerationService call monitoring makes: a room's audit log. */
export interface ModerationClient {
  /**
   * The room's latest `limit` moderation actions, newest last (ModerationService.GetAuditLog).
   * @throws OnairError mapped from the gRPC status: UNAUTHENTICATED or PERMISSION_DENIED (the service refused the
   *   token), UNAVAILABLE, DEADLINE_EXCEEDED.
   */
  auditLog(room: string, limit: number): Promise<moderation.AuditEntry__Output[]>;
  close(): void;
}

/**
 * A client of the onair.moderation.v1.ModerationService that chat or danmaku serves at "host:port" (plaintext, or with
 * monitoring's mTLS identity `tls`), each call carrying `authorization: Bearer <token>` when a token is given (RFC
 * 6750 §2.1 over gRPC metadata) and a deadline of `timeoutMs`.
 */
export function createModerationClient(
  address: string,
  token: string,
  timeoutMs: number,
  tls?: GrpcTls,
): ModerationClient {
  const client = createClient(onair().moderation.v1.ModerationService, address, {}, tls);
  return {
    auditLog: async (room, limit) => {
      const md = new Metadata();
      if (token) md.set('authorization', `Bearer ${token}`);
      const res = await call<moderation.GetAuditLogResponse__Output>((cb) =>
        client.GetAuditLog({ room, limit }, md, { deadline: deadlineIn(timeoutMs) }, cb),
      );
      return res.entries;
    },
    close: () => client.close(),
  };
}
