// The ports `npm start` (scripts/start.mjs) runs the services on: read from each service's own configuration spec
// (its built services/<name>/dist/config.js), so the defaults and variable names are the services' own, and checked
// free before anything starts, so a port already taken (gRPC's 50051–50055 sit in Linux's ephemeral range,
// 32768–60999, where any outgoing connection may hold one) stops the start with the variable to change.
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The services `npm start` runs, in start order, with the prefix of their variables. */
export const SERVICES = [
  ['ingest', 'INGEST_'],
  ['relay', 'RELAY_'],
  ['danmaku', 'DANMAKU_'],
  ['chat', 'CHAT_'],
  ['monitoring', 'MONITORING_'],
];

/** Port fields served only with TLS: the field and the one that turns it on. */
const TLS_ONLY = { rtmpsPort: 'tlsCertFile', httpsPort: 'tlsCertFile' };

/**
 * Every port the services will listen on with environment `env`: `{ service, env, host, port }` per listener, where
 * `env` is the variable that sets it (e.g. `CHAT_GRPC_PORT`) and `host` the service's bind address (`<PREFIX>HOST`).
 * A TLS listener without its certificate is left out; a port of 0 (any free port) is kept.
 * @param root the repository root (services must be built).
 * @param env the variables the services get (process.env with what start.mjs adds).
 * @throws ConfigError (from loadConfig) naming a variable whose value is invalid.
 */
export async function servicePorts(root, env) {
  // Imported here, not at the top: start.mjs loads this module before it has installed and built the packages.
  const { loadConfig } = await import('@onair/runtime');
  const ports = [];
  for (const [service, prefix] of SERVICES) {
    const { configSpec } = await import(join(root, `services/${service}/dist/config.js`));
    const { config } = loadConfig(configSpec, prefix, env);
    for (const [key, field] of Object.entries(configSpec)) {
      if (!key.endsWith('Port')) continue;
      if (key in TLS_ONLY && !config[TLS_ONLY[key]]) continue;
      ports.push({ service, env: field.env, host: config.host, port: config[key] });
    }
  }
  return ports;
}

/**
 * Whether `host:port` can be listened on now: binds it and lets it go at once.
 * @returns the error code (e.g. `EADDRINUSE`, `EACCES`) when it cannot, undefined when it can.
 */
function tryListen(host, port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err) => resolve(err.code ?? err.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * Checks every port of {@link servicePorts} (and any others of the same shape) in turn; 0 is skipped.
 * @returns one line per port that two variables name or that cannot be listened on, naming it, its variable and
 *   why, e.g. `port 50054 (CHAT_GRPC_PORT, chat) is in use: set CHAT_GRPC_PORT to a free port or stop what holds it`.
 */
export async function busyPorts(ports) {
  const lines = [];
  const seen = new Map();
  for (const p of ports) {
    if (p.port === 0) continue;
    const first = seen.get(p.port);
    if (first) {
      lines.push(`port ${p.port} is named by both ${first.env} and ${p.env}: set one of them to another port`);
      continue;
    }
    seen.set(p.port, p);
    const code = await tryListen(p.host, p.port);
    if (code === undefined) continue;
    const why = code === 'EADDRINUSE' ? 'is in use' : `cannot be listened on (${code})`;
    lines.push(`port ${p.port} (${p.env}, ${p.service}) ${why}: set ${p.env} to a free port or stop what holds it`);
  }
  return lines;
}
