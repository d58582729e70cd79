import { docker } from './docker.js';

/** What a probe presents to the server: no TLS, TLS without a client certificate, or a service's certificate. */
export type ProbeIdentity = 'plaintext' | 'no-client-cert' | { service: string };

/** One gRPC call a probe makes: Telemetry GetStats (any service) or DanmakuService.PostDanmaku (danmaku). */
export type ProbeCall = 'GetStats' | { postDanmaku: { room: string; text: string } };

export interface GrpcProbe {
  /** The container (id) the call is made from, with the compose certificates at /etc/onair/tls. */
  container: string;
  /** gRPC target from that container, e.g. "danmaku:50053". */
  target: string;
  /** The service the server's certificate must name (checked by grpc-kit as a client's peer). */
  server: string;
  identity: ProbeIdentity;
  call: ProbeCall;
}

/**
 * Runs in a service container (Node and the app's node_modules in /app): makes the call described by the JSON in
 * argv[1] with @onair/grpc-kit's client (or grpc-js' own for the identities grpc-kit does not make) and prints the
 * gRPC status name, e.g. "OK", "UNAVAILABLE", "PERMISSION_DENIED".
 */
const SCRIPT = `
import { credentials, status } from '@grpc/grpc-js';
import { call, createClient, deadlineIn, readGrpcTls } from '@onair/grpc-kit';
import { onair } from '@onair/proto';
import { readFileSync } from 'node:fs';
const probe = JSON.parse(process.argv[1]);
const dir = '/etc/onair/tls';
const Ctor = probe.call === 'GetStats' ? onair().telemetry.v1.TelemetryService : onair().danmaku.v1.DanmakuService;
let client;
if (probe.identity === 'plaintext') client = new Ctor(probe.target, credentials.createInsecure());
else if (probe.identity === 'no-client-cert')
  client = new Ctor(probe.target, credentials.createSsl(readFileSync(dir + '/ca.crt')), {
    'grpc.ssl_target_name_override': probe.server,
  });
else {
  const name = probe.identity.service;
  const tls = readGrpcTls({
    caFile: dir + '/ca.crt', certFile: dir + '/' + name + '.crt', keyFile: dir + '/' + name + '.key', peers: [probe.server],
  });
  client = createClient(Ctor, probe.target, {}, tls);
}
const options = { deadline: deadlineIn(5000) };
try {
  if (probe.call === 'GetStats') await call((cb) => client.GetStats({}, options, cb));
  else await call((cb) => client.PostDanmaku({ ...probe.call.postDanmaku, name: 'probe', mode: 'MODE_TOP' }, options, cb));
  console.log('OK');
} catch (err) {
  console.log(typeof err.code === 'number' ? status[err.code] : String(err.code));
}
client.close();
`;

/**
 * Makes one gRPC call from inside a compose container and resolves to its status name ("OK" or the error code).
 * @throws Error when the probe itself cannot run (docker exec failed).
 */
export async function grpcProbe(probe: GrpcProbe): Promise<string> {
  const { container, ...rest } = probe;
  const out = await docker(
    'exec',
    '-w',
    '/app',
    container,
    'node',
    '--input-type=module',
    '-e',
    SCRIPT,
    JSON.stringify(rest),
  );
  return out.trim().split('\n').at(-1) ?? '';
}
