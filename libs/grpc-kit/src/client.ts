import type { ChannelCredentials, ChannelOptions, Client, ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { protoPath } from 'grpc-health-check';
import { fromServiceError } from './errors.js';
import { internalChannelOptions } from './service-config.js';
import { channelCredentialsOf, type GrpcTls } from './tls.js';
import { IP_TARGET_SERVER_NAME, ipTargetHost } from './tls-target.js';

type ClientCtor<C extends Client> = new (address: string, creds: ChannelCredentials, options?: object) => C;

/**
 * Creates a client of a generated service constructor, plaintext or mTLS (`tls`), with the
 * {@link internalChannelOptions}: round_robin over every address `target` resolves to, retries of idempotent calls,
 * keepalive.
 * @param target a gRPC target (gRPC doc/naming.md): "host:port", "dns:///chat:50054" (every replica of a name),
 * or "ipv4:10.0.0.5:50054,10.0.0.6:50054".
 * @param options grpc-js channel options over the defaults, e.g. `{ 'grpc.max_reconnect_backoff_ms': 2000 }` for a
 * poller that must see a restarted peer quickly (the default backoff grows to 120 s), or
 * `{ 'grpc.ssl_target_name_override': 'chat' }` to check a replica dialled by IP against its service's name.
 * @param tls this service's mTLS identity (see readGrpcTls); absent: plaintext. A target naming one IP address
 * (e.g. "127.0.0.1:50055") without `grpc.ssl_target_name_override` sends IP_TARGET_SERVER_NAME as TLS server name,
 * which Node requires, and checks the server's certificate against that IP address (an `IP:` subject alternative
 * name). A list of IP addresses needs the override.
 */
export function createClient<C extends Client>(
  ctor: ClientCtor<C>,
  target: string,
  options: ChannelOptions = {},
  tls?: GrpcTls,
): C {
  const ip = tls && options['grpc.ssl_target_name_override'] === undefined ? ipTargetHost(target) : undefined;
  const serverName = ip === undefined ? {} : { 'grpc.ssl_target_name_override': IP_TARGET_SERVER_NAME };
  return new ctor(target, channelCredentialsOf(tls, ip), { ...internalChannelOptions(), ...serverName, ...options });
}

/** The deadline `ms` from now, for CallOptions.deadline. */
export function deadlineIn(ms: number): Date {
  return new Date(Date.now() + ms);
}

/**
 * Calls a unary method and resolves to its response.
 * @throws OnairError mapped from the gRPC status (see fromServiceError).
 */
export function call<Res>(invoke: (cb: (err: ServiceError | null, res?: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke((err, res) => {
      if (err) reject(fromServiceError(err));
      else resolve(res as Res);
    });
  });
}

/** Serving status reported by grpc.health.v1.Health.Check. */
export type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

interface HealthClient extends Client {
  Check(
    req: { service: string },
    options: { deadline: Date },
    cb: (err: ServiceError | null, res?: { status: HealthStatus }) => void,
  ): void;
}

let healthCtor: ClientCtor<HealthClient> | undefined;

/** Creates a grpc.health.v1.Health client (grpc/doc/health-checking.md); the rest as for {@link createClient}. */
export function createHealthClient(address: string, options: ChannelOptions = {}, tls?: GrpcTls): HealthClient {
  if (!healthCtor) {
    const def = loadSync(protoPath, { enums: String, defaults: true });
    const pkg = loadPackageDefinition(def) as unknown as {
      grpc: { health: { v1: { Health: ClientCtor<HealthClient> } } };
    };
    healthCtor = pkg.grpc.health.v1.Health;
  }
  return createClient(healthCtor, address, options, tls);
}

/**
 * Asks a server for its overall health ("" service) within `timeoutMs`.
 * @throws OnairError UNAVAILABLE when the server cannot be reached in time.
 */
export function checkHealth(client: HealthClient, timeoutMs: number): Promise<HealthStatus> {
  return call<{ status: HealthStatus }>((cb) =>
    client.Check({ service: '' }, { deadline: deadlineIn(timeoutMs) }, cb),
  ).then((res) => res.status);
}
