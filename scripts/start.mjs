#!/usr/bin/env node
// `npm start`: installs what is missing (ffmpeg and nats-server from apt when root, npm packages with `npm ci`),
// builds, starts nats-server with JetStream and the five services (ingest creates the demo room with the key kept in
// .onair/<room>.stream-key) and prints where to publish and watch. Ctrl-C stops everything cleanly. Every port is
// checked free before anything starts (scripts/start-ports.mjs); the services' own <SERVICE>_*_PORT variables move them.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES, busyPorts, servicePorts } from './start-ports.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, '.onair');
const LOGS = join(DATA, 'logs');
const JWT_SECRET_FILE = join(DATA, 'jwt-secret');
const HOST = process.env.ONAIR_PUBLIC_HOST ?? 'localhost';
const NATS_PORT = Number(process.env.ONAIR_NATS_PORT ?? 4222);
const ROOM = process.env.ONAIR_DEMO_ROOM ?? 'demo';
const STOP_TIMEOUT_MS = 15_000;

const say = (msg) => console.log(`onair: ${msg}`);
const children = [];

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    throw new Error(`Node >= 20.19 is required, this is ${process.version}`);
}

function installDependencies() {
  run('bash', [join(ROOT, 'scripts/install-system-deps.sh')]);
  const marker = join(ROOT, 'node_modules/.package-lock.json');
  if (!existsSync(marker) || statSync(join(ROOT, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs) {
    say('installing npm packages (npm ci)');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
  say('building');
  run('npm', ['run', '--silent', 'build']);
}

function portOpen(port) {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1', () => {
      sock.destroy();
      resolve(true);
    });
    sock.on('error', () => resolve(false));
  });
}

async function waitUntil(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function start(name, cmd, args, env = {}) {
  const log = join(LOGS, `${name}.log`);
  const out = createWriteStream(log, { flags: 'a' });
  // Each child gets its own process group, so the terminal's Ctrl-C reaches only this script, which then stops
  // the services first and nats-server last (a service draining to a NATS that already exited loses data).
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (d) => {
    out.write(d);
    if (output.length < 1_000_000) output += d.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const entry = { name, child, log, output: () => output, exited: new Promise((r) => child.once('exit', r)) };
  entry.exited.then((code) => {
    if (!stopping) {
      say(`${name} exited unexpectedly (${code}); see ${log}`);
      void stop(1);
    }
  });
  children.push(entry);
  return entry;
}

/**
 * The variables start.mjs gives the services, and every port they will listen on (see servicePorts). The relay's
 * upstream and monitoring's targets follow the gRPC ports unless RELAY_UPSTREAM or MONITORING_TARGETS is set, and
 * monitoring reads thumbnails from the relay's HTTP port unless MONITORING_RELAY_URL is set.
 * @throws Error naming every port that is taken, with the variable to change; ConfigError for an invalid variable.
 */
async function serviceEnv(streamKey, jwtSecret, adminToken) {
  const natsUrl = `nats://127.0.0.1:${NATS_PORT}`;
  const env = {
    INGEST_NATS_URL: natsUrl,
    INGEST_DEMO_ROOM: ROOM,
    INGEST_DEMO_STREAM_KEY: streamKey,
    DANMAKU_NATS_URL: natsUrl,
    DANMAKU_JWT_SECRET: jwtSecret,
    CHAT_NATS_URL: natsUrl,
    CHAT_JWT_SECRET: jwtSecret,
    // The relay follows each live room from the `live` bucket, so it records the publishes of rooms set to record.
    RELAY_NATS_URL: natsUrl,
    RELAY_RECORDINGS_DIR: process.env.RELAY_RECORDINGS_DIR || join(DATA, 'recordings'),
    // Monitoring's admin actions; ingest answers its RoomsService on loopback without a token here, as chat and
    // danmaku answer monitoring's reads of their moderation actions (no *_SERVICE_TOKEN is set).
    MONITORING_ADMIN_TOKEN: process.env.MONITORING_ADMIN_TOKEN || adminToken,
  };
  const ports = await servicePorts(ROOT, { ...process.env, ...env });
  const port = (variable) => ports.find((p) => p.env === variable).port;
  const grpcTargets = SERVICES.map(([svc, prefix]) => `${svc}=127.0.0.1:${port(`${prefix}GRPC_PORT`)}`);
  env.RELAY_UPSTREAM = process.env.RELAY_UPSTREAM || `127.0.0.1:${port('INGEST_GRPC_PORT')}`;
  // The watch page (/watch/<room>) connects to danmaku and chat where the browser finds them, and offers the
  // development sign-in with the secret they verify tokens with.
  env.RELAY_WATCH_DANMAKU_URL = process.env.RELAY_WATCH_DANMAKU_URL || `http://${HOST}:${port('DANMAKU_HTTP_PORT')}`;
  env.RELAY_WATCH_CHAT_URL = process.env.RELAY_WATCH_CHAT_URL || `http://${HOST}:${port('CHAT_HTTP_PORT')}`;
  env.RELAY_WATCH_DEV_JWT_SECRET_FILE = JWT_SECRET_FILE;
  env.MONITORING_TARGETS = process.env.MONITORING_TARGETS || grpcTargets.join(',');
  env.MONITORING_RELAY_URL = process.env.MONITORING_RELAY_URL || `http://127.0.0.1:${port('RELAY_HTTP_PORT')}`;
  const nats = { service: 'nats-server', env: 'ONAIR_NATS_PORT', host: '127.0.0.1', port: NATS_PORT };
  const busy = await busyPorts([nats, ...ports]);
  if (busy.length > 0) throw new Error(`cannot start:\n  ${busy.join('\n  ')}`);
  return { env, port };
}

async function startServices(env) {
  mkdirSync(join(DATA, 'nats'), { recursive: true });
  start('nats', 'nats-server', ['-a', '127.0.0.1', '-p', String(NATS_PORT), '-js', '-sd', join(DATA, 'nats')]);
  await waitUntil(() => portOpen(NATS_PORT), 15_000, 'nats-server');
  const started = SERVICES.map(([svc]) =>
    start(svc, process.execPath, [...nodeArgs(svc), join(ROOT, `services/${svc}/dist/main.js`)], env),
  );
  await Promise.all(
    started.map((s) =>
      waitUntil(async () => s.output().includes('"msg":"started"'), 30_000, `${s.name} to start (see ${s.log})`),
    ),
  );
}

/** The Node.js options a service runs with: `onair.nodeArgs` of its package.json (scripts/check-node-args.mjs). */
function nodeArgs(svc) {
  return JSON.parse(readFileSync(join(ROOT, `services/${svc}/package.json`), 'utf8')).onair?.nodeArgs ?? [];
}

/** The demo room's stream key: kept in .onair/<room>.stream-key, made on first start (ingest creates the room). */
function demoStreamKey() {
  const keyFile = join(DATA, `${ROOM}.stream-key`);
  if (existsSync(keyFile)) return readFileSync(keyFile, 'utf8').trim();
  const key = `${ROOM}_${randomBytes(32).toString('base64url')}`;
  writeFileSync(keyFile, key, { mode: 0o600 });
  return key;
}

/**
 * A development secret kept in .onair/<name> (0600), made on first start (32 random bytes as hex): `jwt-secret`, which
 * viewer tokens are signed with, and `monitoring-admin-token`, which monitoring's admin actions require.
 */
function devSecret(name) {
  const secretFile = join(DATA, name);
  if (existsSync(secretFile)) return readFileSync(secretFile, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(secretFile, secret, { mode: 0o600 });
  return secret;
}

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  say('stopping');
  const services = children.filter((c) => c.name !== 'nats');
  const timer = setTimeout(() => {
    for (const c of children) c.child.kill('SIGKILL');
    process.exit(1);
  }, STOP_TIMEOUT_MS);
  for (const c of services) c.child.kill('SIGTERM');
  await Promise.all(services.map((c) => c.exited));
  for (const c of children.filter((c) => c.name === 'nats')) {
    c.child.kill('SIGTERM');
    await c.exited;
  }
  clearTimeout(timer);
  say('stopped');
  process.exit(code);
}

async function main() {
  checkNode();
  installDependencies();
  mkdirSync(LOGS, { recursive: true });
  process.on('exit', () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  });
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  const key = demoStreamKey();
  const { env, port } = await serviceEnv(key, devSecret('jwt-secret'), devSecret('monitoring-admin-token'));
  say('starting nats-server and the services');
  await startServices(env);
  const rtmpPort = port('INGEST_RTMP_PORT');
  const rtmp = `rtmp://${HOST}${rtmpPort === 1935 ? '' : `:${rtmpPort}`}/live`;
  console.log(`
  Onair is running. Logs: ${LOGS}

  Publish (OBS → Settings → Stream → Custom):
    Server       ${rtmp}
    Stream Key   ${key}
  or with ffmpeg:
    ffmpeg -re -i input.mp4 -c:v libx264 -preset veryfast -g 50 -c:a aac -f flv ${rtmp}/${key}

  Watch:         http://${HOST}:${port('RELAY_HTTP_PORT')}/watch/${ROOM}   (player, danmaku, chat; development sign-in)
  HLS:           http://${HOST}:${port('RELAY_HTTP_PORT')}/hls/${ROOM}/master.m3u8   (VLC, ffplay, Safari, any hls.js page)
  Dashboard:     http://${HOST}:${port('MONITORING_HTTP_PORT')}/
  Admin actions (end a publish, rotate-key, record with {"record":true}), with the token in .onair/monitoring-admin-token:
    curl -X POST -H "Authorization: Bearer $(cat .onair/monitoring-admin-token)" \\
      http://${HOST}:${port('MONITORING_HTTP_PORT')}/api/admin/rooms/${ROOM}/end
  Danmaku:       ws://${HOST}:${port('DANMAKU_HTTP_PORT')}/ws?room=${ROOM}
  Chat:          ws://${HOST}:${port('CHAT_HTTP_PORT')}/ws?room=${ROOM}
  A token to post with (first frame: {"type":"hello","token":"<token>"}; --role moderator to moderate):
    npx onair tokens issue --secret-file .onair/jwt-secret --user alice --name Alice --role viewer

  Internal gRPC is plaintext on loopback here; mTLS: README "Internal gRPC over mTLS".
  Ctrl-C stops everything.
`);
}

main().catch((err) => {
  console.error(`onair: ${err.message}`);
  void (children.length > 0 ? stop(1) : process.exit(1));
});
