// Renders a kustomization as `kubectl kustomize` does, for the subset deploy/k8s uses, so CI checks the manifests
// without kubectl or kustomize (neither is a Debian 12 package). Supported: `resources` (YAML files and directories
// holding a kustomization), `namespace`, `patches` (RFC 6902 JSON patches, inline or from a file, matched by kind
// and name), `replicas`, `images`, and `secretGenerator` from files or literals with
// `generatorOptions.disableNameSuffixHash: true`. Anything else is an error rather than silently skipped. Stricter
// than kustomize where kustomize would go quiet: a patch or an image entry that matches nothing fails too.
// Transformers run in kustomize's order: patches, namespace, replicas, images.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

/** A kustomization this renderer cannot render, or one kustomize would refuse. */
export class KustomizeError extends Error {
  name = 'KustomizeError';
}

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'patches',
  'replicas',
  'images',
  'secretGenerator',
  'generatorOptions',
]);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
]);
/** kustomize's output order (its "legacy" sort): these kinds first, in this order, then the rest by kind. */
const KIND_ORDER = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/**
 * A Kubernetes object as read from YAML.
 * @typedef {{ apiVersion: string, kind: string, metadata: { name: string, namespace?: string } } &
 *   Record<string, unknown>} Manifest
 */

/** `Kind/name` of a manifest, for messages. */
export const idOf = (o) => `${o.kind}/${o.metadata?.name}`;

/**
 * Renders the kustomization in `dir`.
 * @param {string} dir a directory holding kustomization.yaml
 * @param {{ missingFiles?: 'throw' | 'placeholder' }} [options] what a secretGenerator file that does not exist
 *   becomes: an error (as in kustomize, the default) or a placeholder value, for checks where the secrets were
 *   never made
 * @returns {{ objects: Manifest[], missingFiles: string[] }} the objects in kustomize's order, and
 *   the generator files replaced by placeholders
 * @throws KustomizeError for what kustomize would refuse and for what this renderer does not support
 */
export function render(dir, options = {}) {
  const missingFiles = [];
  const objects = build(resolve(dir), options.missingFiles ?? 'throw', missingFiles);
  return { objects: sortLikeKustomize(objects), missingFiles };
}

function build(dir, missing, missingFiles) {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((f) => join(dir, f)).find(existsSync);
  if (!file) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  const k = parse(readFileSync(file, 'utf8')) ?? {};
  const where = relative(process.cwd(), file);
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key)) throw new KustomizeError(`${where}: field "${key}" is not supported by this renderer`);
  }
  const objects = [];
  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new KustomizeError(`${where}: resource ${entry} does not exist`);
    objects.push(...(statSync(path).isDirectory() ? build(path, missing, missingFiles) : readManifests(path)));
  }
  objects.push(...generateSecrets(k, dir, where, missing, missingFiles));
  const ids = new Set();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (ids.has(id)) throw new KustomizeError(`${where}: ${idOf(o)} is defined twice`);
    ids.add(id);
  }
  for (const p of k.patches ?? []) applyPatch(objects, p, dir, where);
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  for (const r of k.replicas ?? []) setReplicas(objects, r, where);
  for (const image of k.images ?? []) setImage(objects, image, where);
  return objects;
}

function readManifests(path) {
  const out = [];
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
    if (doc.errors.length > 0) throw new KustomizeError(`${path}: ${doc.errors[0].message}`);
    const o = doc.toJS();
    if (o === null) continue;
    if (typeof o !== 'object' || !o.apiVersion || !o.kind || !o.metadata?.name) {
      throw new KustomizeError(`${path}: a document without apiVersion, kind or metadata.name`);
    }
    out.push(o);
  }
  return out;
}

function generateSecrets(k, dir, where, missing, missingFiles) {
  const generators = k.secretGenerator ?? [];
  const options = k.generatorOptions ?? {};
  for (const key of Object.keys(options)) {
    if (key !== 'disableNameSuffixHash') throw new KustomizeError(`${where}: generatorOptions.${key} is not supported`);
  }
  if (generators.length > 0 && options.disableNameSuffixHash !== true) {
    throw new KustomizeError(
      `${where}: name suffix hashes are not supported; set generatorOptions.disableNameSuffixHash`,
    );
  }
  return generators.map((g) => {
    for (const key of Object.keys(g)) {
      if (!['name', 'type', 'files', 'literals'].includes(key)) {
        throw new KustomizeError(`${where}: secretGenerator ${g.name}: field "${key}" is not supported`);
      }
    }
    const data = {};
    const put = (key, bytes) => {
      if (key in data) throw new KustomizeError(`${where}: secretGenerator ${g.name}: key ${key} twice`);
      data[key] = bytes.toString('base64');
    };
    for (const entry of g.files ?? []) {
      const [key, path] = entry.includes('=') ? entry.split(/=(.*)/s) : [basename(entry), entry];
      const full = resolve(dir, path);
      if (!full.startsWith(dir + '/')) throw new KustomizeError(`${where}: ${path} is outside the kustomization`);
      if (existsSync(full)) put(key, readFileSync(full));
      else if (missing === 'placeholder') {
        missingFiles.push(relative(process.cwd(), full));
        put(key, Buffer.from(`placeholder for ${path}`));
      } else throw new KustomizeError(`${where}: secretGenerator ${g.name}: ${path} does not exist`);
    }
    for (const entry of g.literals ?? []) {
      const [key, value] = entry.split(/=(.*)/s);
      put(key, Buffer.from(value ?? ''));
    }
    return { apiVersion: 'v1', kind: 'Secret', metadata: { name: g.name }, type: g.type ?? 'Opaque', data };
  });
}

function applyPatch(objects, p, dir, where) {
  const t = p.target ?? {};
  for (const key of Object.keys(p)) {
    if (!['target', 'patch', 'path'].includes(key))
      throw new KustomizeError(`${where}: patch field "${key}" is not supported`);
  }
  for (const key of Object.keys(t)) {
    if (!['kind', 'name', 'group', 'version'].includes(key)) {
      throw new KustomizeError(`${where}: patch target field "${key}" is not supported`);
    }
  }
  if (p.patch === undefined && p.path === undefined) throw new KustomizeError(`${where}: a patch needs patch or path`);
  const ops = parse(p.patch ?? readFileSync(resolve(dir, p.path), 'utf8'));
  if (!Array.isArray(ops)) throw new KustomizeError(`${where}: only RFC 6902 JSON patches are supported`);
  const matches = objects.filter((o) => {
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    return (
      (t.kind === undefined || t.kind === o.kind) &&
      (t.name === undefined || t.name === o.metadata.name) &&
      (t.group === undefined || t.group === group) &&
      (t.version === undefined || t.version === version)
    );
  });
  if (matches.length === 0) throw new KustomizeError(`${where}: patch target ${JSON.stringify(t)} matches nothing`);
  for (const o of matches) {
    for (const op of ops) {
      try {
        applyOperation(o, op);
      } catch (err) {
        throw new KustomizeError(`${where}: patch of ${idOf(o)}: ${op.op} ${op.path}: ${err.message}`);
      }
    }
  }
}

/**
 * Applies one RFC 6902 operation to `root` in place: add, remove, replace or test.
 * @param {unknown} root
 * @param {{ op: string, path: string, value?: unknown }} operation
 * @throws Error when the path is not there (add: its parent), the test fails, or the operation is another
 */
export function applyOperation(root, { op, path, value }) {
  if (!['add', 'remove', 'replace', 'test'].includes(op)) throw new Error('operation not supported');
  const keys = path
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  const last = keys.pop();
  let parent = root;
  for (const key of keys) {
    parent = Array.isArray(parent) ? parent[Number(key)] : parent?.[key];
    if (parent === null || typeof parent !== 'object') throw new Error('no such path');
  }
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    const exists = Number.isInteger(index) && index >= 0 && index < parent.length;
    if (op === 'add' && index >= 0 && index <= parent.length) parent.splice(index, 0, value);
    else if (!exists) throw new Error('no such path');
    else if (op === 'remove') parent.splice(index, 1);
    else if (op === 'replace') parent[index] = value;
    else if (JSON.stringify(parent[index]) !== JSON.stringify(value)) throw new Error('test failed');
    return;
  }
  if (op === 'add') parent[last] = value;
  else if (!(last in parent)) throw new Error('no such path');
  else if (op === 'remove') delete parent[last];
  else if (op === 'replace') parent[last] = value;
  else if (JSON.stringify(parent[last]) !== JSON.stringify(value)) throw new Error('test failed');
}

function setReplicas(objects, { name, count }, where) {
  const targets = objects.filter((o) => SCALABLE.has(o.kind) && o.metadata.name === name);
  if (targets.length === 0) throw new KustomizeError(`${where}: replicas: no Deployment or StatefulSet ${name}`);
  for (const o of targets) o.spec.replicas = count;
}

/** The containers of an object's pod template (or of a Pod). */
export function podSpecOf(o) {
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return o.spec?.template?.spec;
}

/** Splits an image reference into name, tag and digest ("registry:5000/a/b:1.0@sha256:…"). */
export function parseImage(image) {
  const [rest, digest] = image.split('@');
  const colon = rest.lastIndexOf(':');
  return colon > rest.lastIndexOf('/')
    ? { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest }
    : { name: rest, tag: undefined, digest };
}

function setImage(objects, entry, where) {
  let matched = 0;
  for (const o of objects) {
    const pod = podSpecOf(o);
    for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      const image = parseImage(c.image);
      if (image.name !== entry.name) continue;
      matched++;
      const name = entry.newName ?? image.name;
      if (entry.digest) c.image = `${name}@${entry.digest}`;
      else if (entry.newTag !== undefined) c.image = `${name}:${entry.newTag}`;
      else c.image = `${name}${image.tag ? `:${image.tag}` : ''}${image.digest ? `@${image.digest}` : ''}`;
    }
  }
  if (matched === 0) throw new KustomizeError(`${where}: images: no container uses ${entry.name}`);
}

function sortLikeKustomize(objects) {
  const rank = (o) => {
    const i = KIND_ORDER.indexOf(o.kind);
    return i < 0 ? KIND_ORDER.length : i;
  };
  return objects.toSorted(
    (a, b) =>
      rank(a) - rank(b) ||
      a.kind.localeCompare(b.kind) ||
      (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}
