import type { GrpcTls } from '@onair/grpc-kit';
import { OnairError, type Logger } from '@onair/runtime';
import type { ModerationService } from '../status/status-types.js';
import { moderationAction } from './audit-action.js';
import { createModerationClient, type ModerationClient } from './moderation-client.js';
import type { ModerationLog } from './moderation-log.js';

/** A chat or danmaku instance to ask. */
export interface ModerationTarget {
  /** Its name in MONITORING_TARGETS. */
  name: string;
  /** "host:port" of its gRPC server. */
  address: string;
  service: ModerationService;
}

/** Options of {@link createModerationCollector}. */
export interface ModerationCollectorOptions {
  /** The chat and danmaku instances to ask now (those answering health checks). */
  targets: () => readonly ModerationTarget[];
  /** The live rooms now. */
  liveRooms: () => readonly string[];
  /** The bearer token sent to each service ("" for none) and the variable that holds it, for log lines. */
  tokens: Readonly<Record<ModerationService, { token: string; variable: string }>>;
  /** Time between two rounds, ms. */
  intervalMs: number;
  /** Deadline of one GetAuditLog call, ms. */
  timeoutMs: number;
  /** Actions asked for per room and call. @default 20 */
  limit?: number;
  tls?: GrpcTls;
  log: Logger;
  store: ModerationLog;
}

/** Polls the audit logs of the live rooms. */
export interface ModerationCollector {
  start(): void;
  /** Stops polling (a round under way finishes into the store) and closes the clients. */
  stop(): void;
}

/**
 * Creates a {@link ModerationCollector}: every `intervalMs` (one round at a time) it asks each target for the audit
 * log (ModerationService.GetAuditLog, proto/onair/moderation/v1/moderation.proto) of each live room and adds the
 * answers to `store`, which keeps what is new. A target that refuses the token (UNAUTHENTICATED, PERMISSION_DENIED)
 * or fails is logged once, naming the variable to set (never the token), and again only after it answered.
 */
export function createModerationCollector(options: ModerationCollectorOptions): ModerationCollector {
  const { targets, liveRooms, tokens, intervalMs, timeoutMs, limit = 20, tls, store } = options;
  const log = options.log.child({ component: 'moderation' });
  const clients = new Map<string, ModerationClient>();
  const failing = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const clientOf = (target: ModerationTarget): ModerationClient => {
    let client = clients.get(target.address);
    if (!client) {
      client = createModerationClient(target.address, tokens[target.service].token, timeoutMs, tls);
      clients.set(target.address, client);
    }
    return client;
  };
  const failed = (target: ModerationTarget, room: string, err: unknown): void => {
    if (failing.has(target.address)) return;
    failing.add(target.address);
    const { name, address, service } = target;
    const code = err instanceof OnairError ? err.code : 'INTERNAL';
    if (code === 'UNAUTHENTICATED' || code === 'PERMISSION_DENIED') {
      const { variable } = tokens[service];
      log.warn({ target: name, address, room, code, variable }, 'moderation audit log refused: check the token');
    } else log.warn({ target: name, address, room, code, err }, 'moderation audit log failed');
  };
  const ask = async (target: ModerationTarget, room: string): Promise<void> => {
    try {
      const entries = await clientOf(target).auditLog(room, limit);
      if (failing.delete(target.address))
        log.info({ target: target.name, address: target.address, room }, 'moderation audit log answered');
      store.add(entries.flatMap((e) => moderationAction(target.service, { ...e, room: e.room || room }) ?? []));
    } catch (err) {
      failed(target, room, err);
    }
  };
  const round = async (): Promise<void> => {
    if (stopped) return;
    const now = targets();
    const addresses = new Set(now.map((t) => t.address));
    for (const [address, client] of clients)
      if (!addresses.has(address)) {
        client.close();
        clients.delete(address);
        failing.delete(address);
      }
    const rooms = liveRooms();
    await Promise.all(now.flatMap((target) => rooms.map((room) => ask(target, room))));
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void round().finally(schedule);
    }, intervalMs);
  };

  return {
    start() {
      log.info({ intervalMs, limit }, 'opened');
      void round().finally(schedule);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      for (const client of clients.values()) client.close();
      clients.clear();
      log.info('closed');
    },
  };
}
