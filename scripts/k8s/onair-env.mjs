// Checks the environment the manifests give Onair's containers against the services' own configuration specs (the
// `configSpec` each services/<name>/src/config.ts exports, read from dist/: run `npm run build` first), so a
// misspelt or invented variable, or a value the service would refuse at start, fails here instead of in the pod.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, envPrefix, loadConfig } from '@onair/runtime';
import { idOf, parseImage, podSpecOf } from './render.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SERVICES = ['ingest', 'relay', 'danmaku', 'chat', 'monitoring'];
/** Variables Node.js itself reads, which any container may set. */
const NODE_VARIABLES = new Set(['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'TMPDIR']);
/** Variables whose values name in-cluster gRPC or NATS addresses. */
const ADDRESS_VARIABLE = /_(UPSTREAM|TARGETS|NATS_URL)$/;
/**
 * What a variable taken from a Secret or from the pod's fields is checked with, and what a `*_FILE` variable's
 * file holds when the service reads it at start: the real contents are not checked here.
 */
const SECRET_PLACEHOLDER = '0'.repeat(64);
/**
 * What a pod field (the downward API's `fieldRef`) stands for when another variable names it as `$(VAR)`, e.g.
 * `INGEST_GRPC_ADVERTISE_ADDRESS: $(POD_IP):50051`: a sample value the service's validation can judge.
 */
const POD_FIELD_SAMPLES = { 'status.podIP': '10.0.0.1', 'metadata.name': 'pod-0', 'metadata.namespace': 'onair' };

/**
 * The container's variables that only carry a pod field for other variables to name as `$(VAR)` (Kubernetes
 * dependent environment variables), each with its sample value.
 * @returns {Map<string, string>}
 */
function podFieldVariables(container) {
  const env = container.env ?? [];
  const named = (name) => env.some((e) => typeof e.value === 'string' && e.value.includes(`$(${name})`));
  return new Map(
    env
      .filter((e) => e.valueFrom?.fieldRef && POD_FIELD_SAMPLES[e.valueFrom.fieldRef.fieldPath] && named(e.name))
      .map((e) => [e.name, POD_FIELD_SAMPLES[e.valueFrom.fieldRef.fieldPath]]),
  );
}

/** `value` with every `$(VAR)` of `fields` replaced by its sample. */
function expandPodFields(value, fields) {
  return value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, name) => fields.get(name) ?? ref);
}

/**
 * Every service's configuration spec and prefix, and the `ONAIR_*` variables the `onair` command reads (found in
 * libs/cli/src), which the images' shells use for `kubectl exec … onair …`.
 * @returns {Promise<{ services: Map<string, { spec: Record<string, { env: string }>, prefix: string }>,
 *   cli: Set<string> }>}
 */
export async function loadEnvSpecs() {
  const services = new Map();
  for (const name of SERVICES) {
    const { configSpec } = await import(join(ROOT, `services/${name}/dist/config.js`));
    services.set(name, { spec: configSpec, prefix: envPrefix(name) });
  }
  const cli = new Set();
  const src = join(ROOT, 'libs/cli/src');
  for (const file of readdirSync(src).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    for (const [name] of readFileSync(join(src, file), 'utf8').matchAll(/\bONAIR_[A-Z0-9_]+\b/g)) cli.add(name);
  }
  return { services, cli };
}

/**
 * The Onair service a container runs, from its image (`…/onair-<service>:<tag>`), or undefined.
 * @returns {string | undefined}
 */
export function serviceOf(container) {
  const name = parseImage(container.image).name.split('/').at(-1);
  const service = name.startsWith('onair-') ? name.slice('onair-'.length) : undefined;
  return SERVICES.includes(service) ? service : undefined;
}

/**
 * Onair containers' environment: every variable is one its service reads (or the `onair` command, or Node.js), the
 * values pass the service's own validation, and each `*_FILE` path lies in a mounted volume that holds that file.
 * @param specs what {@link loadEnvSpecs} returns
 * @returns {{ problems: string[],
 *   addresses: Array<{ where: string, namespace: string, host: string, port: number }> }} the problems, and the
 *   in-cluster addresses the variables and ConfigMaps name, for addressProblems
 */
export function envProblems(objects, specs) {
  const scratch = mkdtempSync(join(tmpdir(), 'check-k8s-'));
  try {
    return checkEnv(objects, specs, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function checkEnv(objects, specs, scratch) {
  const problems = [];
  const addresses = [];
  const addAddresses = (where, namespace, text) => {
    for (const [, host, port] of text.matchAll(/(?:^|[=,/])([A-Za-z0-9.-]+):(\d+)/g)) {
      addresses.push({ where, namespace, host, port: Number(port) });
    }
  };
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
    for (const [key, text] of Object.entries(cm.data ?? {})) {
      for (const [url] of String(text).matchAll(/nats:\/\/[^\s,\]]+/g)) {
        addAddresses(`${idOf(cm)}: ${key}`, cm.metadata.namespace, url);
      }
    }
  }
  for (const w of objects.filter((o) => podSpecOf(o))) {
    for (const c of podSpecOf(w).containers) {
      const service = serviceOf(c);
      if (!service) continue;
      const where = `${idOf(w)}: container ${c.name}`;
      const { spec, prefix } = specs.services.get(service);
      const known = new Set(Object.values(spec).map((f) => f.env));
      if (c.envFrom?.length) problems.push(`${where}: envFrom hides the variable names from this check; use env`);
      const env = {};
      const podFields = podFieldVariables(c);
      for (const e of c.env ?? []) {
        if (podFields.has(e.name)) continue;
        const readBy = known.has(e.name)
          ? service
          : specs.cli.has(e.name)
            ? 'onair'
            : NODE_VARIABLES.has(e.name)
              ? 'node'
              : undefined;
        if (!readBy) {
          const hint = e.name.startsWith(prefix) ? `${service} has no such setting` : `${service} does not read it`;
          problems.push(`${where}: ${e.name}: ${hint}`);
          continue;
        }
        env[e.name] =
          e.value === undefined ? (e.valueFrom ? SECRET_PLACEHOLDER : '') : expandPodFields(e.value, podFields);
        if (e.value === undefined) continue;
        if (readBy === service && ADDRESS_VARIABLE.test(e.name))
          addAddresses(`${where}: ${e.name}`, w.metadata.namespace, e.value);
        if (e.name.endsWith('_FILE')) {
          problems.push(...fileProblems(objects, w, c, e));
          env[e.name] = join(scratch, e.name);
          writeFileSync(env[e.name], SECRET_PLACEHOLDER);
        }
      }
      try {
        loadConfig(spec, prefix, env);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) problems.push(`${where}: ${service} would refuse to start: ${p}`);
      }
    }
  }
  return { problems, addresses };
}

/** A `*_FILE` variable's path: inside one of the container's mounts, and a key of the Secret or ConfigMap there. */
function fileProblems(objects, w, c, e) {
  const path = posix.normalize(e.value);
  const mount = (c.volumeMounts ?? [])
    .filter((m) => path.startsWith(`${posix.normalize(m.mountPath).replace(/\/$/, '')}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  const where = `${idOf(w)}: container ${c.name}: ${e.name}=${e.value}`;
  if (!mount) return [`${where}: no volume is mounted there`];
  const volume = (podSpecOf(w).volumes ?? []).find((v) => v.name === mount.name);
  const source = volume?.secret
    ? { kind: 'Secret', name: volume.secret.secretName, items: volume.secret.items }
    : volume?.configMap
      ? { kind: 'ConfigMap', name: volume.configMap.name, items: volume.configMap.items }
      : undefined;
  if (!source) return [];
  const file = posix.relative(posix.normalize(mount.mountPath), path);
  const store = objects.find(
    (o) => o.kind === source.kind && o.metadata.namespace === w.metadata.namespace && o.metadata.name === source.name,
  );
  if (!store) return []; // configProblems reports it
  const files = source.items ? source.items.map((i) => i.path) : Object.keys({ ...store.data, ...store.stringData });
  return files.includes(file) ? [] : [`${where}: ${source.kind} ${source.name} has no ${file}`];
}
