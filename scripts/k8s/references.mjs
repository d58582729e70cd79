// Checks what the API server cannot: that the objects of a rendered kustomization fit together. Each check returns
// problems as strings naming the object; an empty list means the manifests hang together.
import { idOf, podSpecOf } from './render.mjs';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'];

/** Objects of a kind in a namespace, by name. */
function byName(objects, kind, namespace) {
  return new Map(
    objects.filter((o) => o.kind === kind && o.metadata.namespace === namespace).map((o) => [o.metadata.name, o]),
  );
}

/** Whether every label of `selector` (matchLabels, or a Service's plain map) is on `labels`. */
function selects(selector, labels = {}) {
  const match = selector?.matchLabels ?? selector ?? {};
  if (selector?.matchExpressions?.length) throw new Error('matchExpressions are not supported by this check');
  return Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => labels[k] === v);
}

/** The workloads (Deployments, StatefulSets, DaemonSets) whose pods carry every label of `selector`. */
function selected(objects, namespace, selector) {
  return objects.filter(
    (o) =>
      WORKLOAD_KINDS.has(o.kind) &&
      o.metadata.namespace === namespace &&
      selects(selector, o.spec?.template?.metadata?.labels),
  );
}

/** Whether a container exposes `port` (a port name, or a number). */
function exposes(container, port) {
  return (container.ports ?? []).some((p) => (typeof port === 'string' ? p.name === port : p.containerPort === port));
}

/** The replicas a workload runs at least: its HorizontalPodAutoscaler's minimum, else spec.replicas (default 1). */
function minReplicas(objects, w) {
  const hpa = objects.find(
    (o) =>
      o.kind === 'HorizontalPodAutoscaler' &&
      o.metadata.namespace === w.metadata.namespace &&
      o.spec.scaleTargetRef.kind === w.kind &&
      o.spec.scaleTargetRef.name === w.metadata.name,
  );
  return hpa ? (hpa.spec.minReplicas ?? 1) : (w.spec.replicas ?? 1);
}

/**
 * Services: a selector that matches some workload's pods, and target ports those pods' containers expose.
 * @returns {string[]}
 */
export function serviceProblems(objects) {
  const problems = [];
  for (const s of objects.filter((o) => o.kind === 'Service' && o.spec?.selector)) {
    const workloads = selected(objects, s.metadata.namespace, s.spec.selector);
    if (workloads.length === 0) problems.push(`${idOf(s)}: selector matches no workload's pods`);
    for (const w of workloads) {
      for (const p of s.spec.ports ?? []) {
        const target = p.targetPort ?? p.port;
        if (!podSpecOf(w).containers.some((c) => exposes(c, target))) {
          problems.push(`${idOf(s)}: port ${p.name ?? p.port} targets ${target}, which ${idOf(w)} does not expose`);
        }
      }
    }
  }
  for (const sts of objects.filter((o) => o.kind === 'StatefulSet')) {
    const svc = byName(objects, 'Service', sts.metadata.namespace).get(sts.spec.serviceName);
    if (!svc || svc.spec.clusterIP !== 'None') {
      problems.push(`${idOf(sts)}: serviceName ${sts.spec.serviceName} is not a headless Service`);
    }
  }
  return problems;
}

/**
 * Probes: the port each one checks is one its container exposes.
 * @returns {string[]}
 */
export function probeProblems(objects) {
  const problems = [];
  for (const w of objects.filter((o) => podSpecOf(o))) {
    for (const c of podSpecOf(w).containers ?? []) {
      for (const kind of PROBES) {
        const probe = c[kind];
        const port = probe?.grpc?.port ?? probe?.httpGet?.port ?? probe?.tcpSocket?.port;
        if (port !== undefined && !exposes(c, port)) {
          problems.push(`${idOf(w)}: container ${c.name}: ${kind} checks port ${port}, which it does not expose`);
        }
      }
    }
  }
  return problems;
}

/**
 * Secrets, ConfigMaps and volumes: every one referenced exists, with the keys asked for (a TLS Secret also has
 * tls.crt and tls.key), and every volume mount names a volume.
 * @returns {string[]}
 */
export function configProblems(objects) {
  const problems = [];
  for (const s of objects.filter((o) => o.kind === 'Secret' && o.type === 'kubernetes.io/tls')) {
    for (const key of ['tls.crt', 'tls.key']) {
      if (!(key in (s.data ?? {})) && !(key in (s.stringData ?? {}))) problems.push(`${idOf(s)}: no ${key}`);
    }
  }
  for (const w of objects.filter((o) => podSpecOf(o))) {
    const ns = w.metadata.namespace;
    const stores = { Secret: byName(objects, 'Secret', ns), ConfigMap: byName(objects, 'ConfigMap', ns) };
    const keysOf = (o) => new Set([...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})]);
    const need = (kind, name, keys, optional, where) => {
      const found = stores[kind].get(name);
      if (!found) {
        if (!optional) problems.push(`${idOf(w)}: ${where}: ${kind} ${name} does not exist`);
        return;
      }
      for (const key of keys) {
        if (!keysOf(found).has(key)) problems.push(`${idOf(w)}: ${where}: ${kind} ${name} has no key ${key}`);
      }
    };
    const pod = podSpecOf(w);
    const volumes = new Set((w.spec.volumeClaimTemplates ?? []).map((t) => t.metadata.name));
    for (const v of pod.volumes ?? []) {
      volumes.add(v.name);
      const items = (x) => (x.items ?? []).map((i) => i.key);
      if (v.secret) need('Secret', v.secret.secretName, items(v.secret), v.secret.optional, `volume ${v.name}`);
      if (v.configMap)
        need('ConfigMap', v.configMap.name, items(v.configMap), v.configMap.optional, `volume ${v.name}`);
      for (const src of v.projected?.sources ?? []) {
        if (src.secret) need('Secret', src.secret.name, items(src.secret), src.secret.optional, `volume ${v.name}`);
        if (src.configMap) {
          need('ConfigMap', src.configMap.name, items(src.configMap), src.configMap.optional, `volume ${v.name}`);
        }
      }
    }
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        const m = e.valueFrom?.configMapKeyRef;
        if (s) need('Secret', s.name, [s.key], s.optional, `env ${e.name}`);
        if (m) need('ConfigMap', m.name, [m.key], m.optional, `env ${e.name}`);
      }
      for (const e of c.envFrom ?? []) {
        if (e.secretRef) need('Secret', e.secretRef.name, [], e.secretRef.optional, 'envFrom');
        if (e.configMapRef) need('ConfigMap', e.configMapRef.name, [], e.configMapRef.optional, 'envFrom');
      }
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name)) problems.push(`${idOf(w)}: container ${c.name} mounts ${m.name}, no such volume`);
      }
    }
  }
  return problems;
}

/**
 * Disruption and scaling: every PodDisruptionBudget selects a workload and leaves room to evict one pod; every
 * workload of more than one replica has one; every HorizontalPodAutoscaler scales an existing workload that leaves
 * it the replica count, and whose containers request the resources it scales on.
 * @returns {string[]}
 */
export function scalingProblems(objects) {
  const problems = [];
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  for (const pdb of pdbs) {
    const workloads = selected(objects, pdb.metadata.namespace, pdb.spec.selector);
    if (workloads.length === 0) problems.push(`${idOf(pdb)}: selector matches no workload's pods`);
    for (const w of workloads) {
      const n = minReplicas(objects, w);
      const { minAvailable, maxUnavailable } = pdb.spec;
      if (maxUnavailable === 0 || maxUnavailable === '0%' || (typeof minAvailable === 'number' && minAvailable >= n)) {
        problems.push(`${idOf(pdb)}: with ${n} replica(s) of ${idOf(w)} no pod could ever be evicted`);
      }
    }
  }
  for (const w of objects.filter((o) => WORKLOAD_KINDS.has(o.kind) && o.kind !== 'DaemonSet')) {
    const labels = w.spec.template.metadata?.labels;
    const covered = pdbs.some((p) => p.metadata.namespace === w.metadata.namespace && selects(p.spec.selector, labels));
    if (minReplicas(objects, w) > 1 && !covered) problems.push(`${idOf(w)}: several replicas, no PodDisruptionBudget`);
  }
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = hpa.spec.scaleTargetRef;
    const w = byName(objects, ref.kind, hpa.metadata.namespace).get(ref.name);
    if (!w) {
      problems.push(`${idOf(hpa)}: scales ${ref.kind}/${ref.name}, which does not exist`);
      continue;
    }
    if (w.spec.replicas !== undefined) {
      problems.push(`${idOf(hpa)}: ${idOf(w)} sets spec.replicas, which every apply would reset under the autoscaler`);
    }
    if ((hpa.spec.minReplicas ?? 1) > hpa.spec.maxReplicas) problems.push(`${idOf(hpa)}: minReplicas > maxReplicas`);
    for (const m of hpa.spec.metrics ?? []) {
      if (m.type !== 'Resource' || m.resource.target.type !== 'Utilization') continue;
      for (const c of podSpecOf(w).containers) {
        if (c.resources?.requests?.[m.resource.name] === undefined) {
          problems.push(`${idOf(hpa)}: scales on ${m.resource.name} use, but ${idOf(w)} ${c.name} requests none`);
        }
      }
    }
  }
  return problems;
}

/**
 * Pod hardening: in a namespace that enforces the "restricted" Pod Security Standard, what that standard requires
 * (non-root, no privilege escalation, every capability dropped, a seccomp profile, no host namespaces); everywhere,
 * that every container asks for CPU and memory and has a memory limit.
 * @returns {string[]}
 */
export function podProblems(objects) {
  const problems = [];
  const restricted = new Set(
    objects
      .filter((o) => o.kind === 'Namespace')
      .filter((o) => o.metadata.labels?.['pod-security.kubernetes.io/enforce'] === 'restricted')
      .map((o) => o.metadata.name),
  );
  for (const w of objects.filter((o) => podSpecOf(o))) {
    const pod = podSpecOf(w);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const where = `${idOf(w)}: container ${c.name}`;
      const { requests = {}, limits = {} } = c.resources ?? {};
      if (!requests.cpu || !requests.memory || !limits.memory) {
        problems.push(`${where}: needs CPU and memory requests and a memory limit`);
      }
      if (!restricted.has(w.metadata.namespace)) continue;
      const sc = c.securityContext ?? {};
      const psc = pod.securityContext ?? {};
      if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot is not true`);
      if ((sc.runAsUser ?? psc.runAsUser) === 0) problems.push(`${where}: runs as user 0`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (sc.privileged) problems.push(`${where}: is privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: does not drop ALL capabilities`);
      const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${where}: no seccomp profile`);
    }
    if (restricted.has(w.metadata.namespace)) {
      if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push(`${idOf(w)}: shares a host namespace`);
      if ((pod.volumes ?? []).some((v) => v.hostPath)) problems.push(`${idOf(w)}: mounts a hostPath`);
    }
  }
  return problems;
}

/**
 * In-cluster addresses in configuration: each `host:port` of `addresses` whose host is a bare name must be a
 * Service of the namespace with that port, and `<pod>.<service>` a StatefulSet pod under its headless Service.
 * @param {Array<{ where: string, namespace: string, host: string, port: number }>} addresses
 * @returns {string[]}
 */
export function addressProblems(objects, addresses) {
  const problems = [];
  for (const { where, namespace, host, port } of addresses) {
    if (host === 'localhost' || /^[\d.]+$/.test(host) || host.includes(':')) continue;
    const [first, second, ...rest] = host.split('.');
    if (rest.length > 0) continue; // a fully qualified name: outside what the manifests describe
    const services = byName(objects, 'Service', namespace);
    const svc = services.get(second ?? first);
    if (!svc) {
      problems.push(`${where}: ${host}:${port}: no Service ${second ?? first}`);
      continue;
    }
    if (!(svc.spec.ports ?? []).some((p) => p.port === port)) {
      problems.push(`${where}: ${host}:${port}: Service ${svc.metadata.name} has no port ${port}`);
    }
    if (second === undefined) continue;
    const sts = objects.find(
      (o) => o.kind === 'StatefulSet' && o.metadata.namespace === namespace && o.spec.serviceName === second,
    );
    const ordinal =
      sts && first.startsWith(`${sts.metadata.name}-`) ? Number(first.slice(sts.metadata.name.length + 1)) : NaN;
    if (!sts || !(ordinal >= 0 && ordinal < (sts.spec.replicas ?? 1))) {
      problems.push(`${where}: ${host}:${port}: no pod ${first} under Service ${second}`);
    }
  }
  return problems;
}
