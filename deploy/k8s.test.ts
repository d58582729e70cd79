import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overlayProblems, referenceProblems } from '../scripts/check-k8s.mjs';
import { loadEnvSpecs } from '../scripts/k8s/onair-env.mjs';
import { applyOperation, render } from '../scripts/k8s/render.mjs';
import { schemaProblems } from '../scripts/k8s/schema.mjs';

// The offline check of deploy/k8s (scripts/check-k8s.mjs, run by `npm run lint`): the kustomize subset it renders,
// and that it passes the manifests as they are and fails each kind of broken one. Reads the services' configuration
// specs from dist/ (`npm run build`).

type Manifest = ReturnType<typeof render>['objects'][number];
type Operation = Parameters<typeof applyOperation>[1];

const production = fileURLToPath(new URL('k8s/overlays/production', import.meta.url));
const renderProduction = (): Manifest[] => render(production, { missingFiles: 'placeholder' }).objects;
const find = (objects: Manifest[], kind: string, name: string): Manifest => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
};
/** The one container of a Deployment's pods, as `toMatchObject` expects it. */
const withContainer = (container: object): object => ({ spec: { template: { spec: { containers: [container] } } } });
/** The JSON pointer of a Deployment's container's env entry, by index. */
const ENV = '/spec/template/spec/containers/0/env';

describe('render', () => {
  let dir: string;
  const write = (files: Record<string, string>): void => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  template: { spec: { containers: [{ name: web, image: 'registry:5000/web:1' }] } }
`;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'render-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders the production overlay in its namespace, with its tags, replicas, patches and Secrets', () => {
    const objects = renderProduction();
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'onair' } });
    expect(new Set(objects.slice(1).map((o) => o.metadata.namespace))).toEqual(new Set(['onair']));
    expect(find(objects, 'Deployment', 'ingest')).toMatchObject(withContainer({ image: 'onair-ingest:0.1.0' }));
    expect(find(objects, 'StatefulSet', 'nats')).toMatchObject({ spec: { replicas: 3 } });
    expect(find(objects, 'Deployment', 'chat')).toMatchObject({ spec: { replicas: 2 } });
    expect(find(objects, 'HorizontalPodAutoscaler', 'relay-edge')).toMatchObject({
      spec: { minReplicas: 2, maxReplicas: 20 },
    });
    expect(find(objects, 'Deployment', 'ingest')).toMatchObject(
      withContainer({ env: expect.arrayContaining([expect.objectContaining({ name: 'ONAIR_RTMP_URL' })]) as object }),
    );
    expect(find(objects, 'Secret', 'onair-public-tls')).toMatchObject({ type: 'kubernetes.io/tls' });
  });

  it('applies namespace, images, replicas and JSON patches as kustomize does', () => {
    write({
      'a/base/kustomization.yaml': 'resources: [web.yaml]\n',
      'a/base/web.yaml': deployment,
      'a/kustomization.yaml': `namespace: shop
resources: [base]
images: [{ name: 'registry:5000/web', newName: other/web, newTag: '2' }]
replicas: [{ name: web, count: 3 }]
patches:
  - target: { kind: Deployment, name: web }
    patch: '[{ op: add, path: /spec/template/spec/containers/0/args, value: [--fast] }]'
secretGenerator: [{ name: s, literals: [k=v] }]
generatorOptions: { disableNameSuffixHash: true }
`,
    });
    const [secret, web] = render(join(dir, 'a')).objects;
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'shop' },
      type: 'Opaque',
      data: { k: 'dg==' },
    });
    expect(web).toMatchObject({
      metadata: { namespace: 'shop' },
      spec: { replicas: 3, template: { spec: { containers: [{ image: 'other/web:2', args: ['--fast'] }] } } },
    });
  });

  it.each([
    ['a field it does not support', 'resources: [web.yaml]\nlabels: [{ pairs: { a: b } }]\n', /field "labels"/],
    ['a strategic merge patch', 'resources: [web.yaml]\npatches: [{ patch: "kind: Deployment" }]\n', /RFC 6902/],
    [
      'a patch that matches nothing',
      'resources: [web.yaml]\npatches: [{ target: { name: api }, patch: "[]" }]\n',
      /matches nothing/,
    ],
    [
      'a patch of a path that is not there',
      'resources: [web.yaml]\npatches: [{ target: { name: web }, patch: "[{op: replace, path: /spec/x, value: 1}]" }]\n',
      /no such path/,
    ],
    ['replicas of a missing workload', 'resources: [web.yaml]\nreplicas: [{ name: api, count: 2 }]\n', /no Deployment/],
    ['an image nothing uses', 'resources: [web.yaml]\nimages: [{ name: web, newTag: "2" }]\n', /no container uses web/],
    [
      'a Secret file that is missing',
      'resources: [web.yaml]\nsecretGenerator: [{ name: s, files: [k=nope] }]\ngeneratorOptions: { disableNameSuffixHash: true }\n',
      /nope does not exist/,
    ],
    ['hashed generator names', 'resources: [web.yaml]\nsecretGenerator: [{ name: s, literals: [k=v] }]\n', /hash/],
    ['an object defined twice', 'resources: [web.yaml, web.yaml]\n', /defined twice/],
  ])('refuses %s', (_name, kustomization, error) => {
    write({ 'b/kustomization.yaml': kustomization, 'b/web.yaml': deployment });
    expect(() => render(join(dir, 'b'))).toThrow(error);
  });
});

describe('check-k8s', () => {
  let specs: Awaited<ReturnType<typeof loadEnvSpecs>>;
  beforeAll(async () => {
    specs = await loadEnvSpecs();
  });

  it('finds no problem in the production overlay', async () => {
    expect(await overlayProblems(renderProduction(), specs)).toEqual([]);
  });

  /** Breaks one object of the production overlay with JSON patch operations and returns the overlay. */
  const broken = (kind: string, name: string, ops: Operation[]): Manifest[] => {
    const objects = renderProduction();
    for (const op of ops) applyOperation(find(objects, kind, name), op);
    return objects;
  };

  it.each<[string, string, string, Operation[], RegExp]>([
    [
      'an unknown field',
      'Deployment',
      'chat',
      [{ op: 'add', path: '/spec/template/spec/containers/0/readinesProbe', value: {} }],
      /Deployment\/chat: .*containers\/0\/readinesProbe: .*does not exist in type 'IContainer'/,
    ],
    [
      'a value of the wrong type',
      'Deployment',
      'chat',
      [{ op: 'replace', path: '/spec/template/spec/containers/0/ports/0/containerPort', value: '8082' }],
      /Deployment\/chat: .*containerPort must be integer/,
    ],
    [
      'a kind without a schema',
      'Service',
      'chat',
      [{ op: 'replace', path: '/apiVersion', value: 'v2' }],
      /Service\/chat: no Kubernetes schema for v2 Service/,
    ],
  ])('fails the schemas on %s', async (_name, kind, name, ops, problem) => {
    const problems = await schemaProblems([find(broken(kind, name, ops), kind, name)]);
    expect(
      problems.some((p) => problem.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it.each<[string, string, string, Operation[], RegExp]>([
    [
      'a Service selecting no pod',
      'Service',
      'chat-ws',
      [{ op: 'replace', path: '/spec/selector', value: { 'app.kubernetes.io/name': 'chats' } }],
      /Service\/chat-ws: selector matches no workload's pods/,
    ],
    [
      'a Service port its pods lack',
      'Service',
      'chat',
      [{ op: 'replace', path: '/spec/ports/0/targetPort', value: 'grcp' }],
      /Service\/chat: port grpc targets grcp/,
    ],
    [
      'a probe on a port the container lacks',
      'Deployment',
      'chat',
      [{ op: 'replace', path: '/spec/template/spec/containers/0/livenessProbe/grpc/port', value: 50053 }],
      /livenessProbe checks port 50053/,
    ],
    [
      'a missing Secret',
      'Deployment',
      'danmaku',
      [
        { op: 'test', path: `${ENV}/2/name`, value: 'DANMAKU_SERVICE_TOKEN' },
        { op: 'replace', path: `${ENV}/2/valueFrom/secretKeyRef/name`, value: 'onair-tokens' },
      ],
      /env DANMAKU_SERVICE_TOKEN: Secret onair-tokens does not exist/,
    ],
    [
      'a missing Secret key',
      'Deployment',
      'ingest',
      [
        { op: 'test', path: `${ENV}/1/name`, value: 'INGEST_ADMIN_TOKEN' },
        { op: 'replace', path: `${ENV}/1/valueFrom/secretKeyRef/key`, value: 'admin' },
      ],
      /Secret onair-ingest-admin has no key admin/,
    ],
    [
      'a TLS Secret without its key',
      'Secret',
      'onair-public-tls',
      [{ op: 'remove', path: '/data/tls.key' }],
      /Secret\/onair-public-tls: no tls.key/,
    ],
    [
      'a variable the service does not know',
      'Deployment',
      'danmaku',
      [{ op: 'add', path: `${ENV}/-`, value: { name: 'DANMAKU_MAX_SOCKETS', value: '10' } }],
      /DANMAKU_MAX_SOCKETS: danmaku has no such setting/,
    ],
    [
      'a variable of another service',
      'Deployment',
      'danmaku',
      [{ op: 'add', path: `${ENV}/-`, value: { name: 'CHAT_GUESTS', value: 'true' } }],
      /CHAT_GUESTS: danmaku does not read it/,
    ],
    [
      'a value the service refuses',
      'Deployment',
      'relay-edge',
      [
        { op: 'test', path: `${ENV}/0/name`, value: 'RELAY_UPSTREAM' },
        { op: 'replace', path: `${ENV}/0/value`, value: 'http://relay-origin:50052' },
      ],
      /relay would refuse to start: RELAY_UPSTREAM="http:\/\/relay-origin:50052": expected host:port/,
    ],
    [
      'an advertised address naming a pod field no variable carries',
      'Deployment',
      'ingest',
      [
        { op: 'test', path: `${ENV}/11/name`, value: 'INGEST_GRPC_ADVERTISE_ADDRESS' },
        { op: 'replace', path: `${ENV}/11/value`, value: '$(POD_ADDR):50051' },
      ],
      /ingest would refuse to start: INGEST_GRPC_ADVERTISE_ADDRESS="\$\(POD_ADDR\):50051"/,
    ],
    [
      'a pod field no variable names',
      'Deployment',
      'ingest',
      [
        { op: 'test', path: `${ENV}/11/name`, value: 'INGEST_GRPC_ADVERTISE_ADDRESS' },
        { op: 'replace', path: `${ENV}/11/value`, value: '10.0.0.9:50051' },
      ],
      /POD_IP: ingest does not read it/,
    ],
    [
      'an upstream that is no Service',
      'Deployment',
      'relay-edge',
      [
        { op: 'test', path: `${ENV}/0/name`, value: 'RELAY_UPSTREAM' },
        { op: 'replace', path: `${ENV}/0/value`, value: 'relay-orgin:50052' },
      ],
      /RELAY_UPSTREAM: relay-orgin:50052: no Service relay-orgin/,
    ],
    [
      'a NATS route to a pod that does not exist',
      'StatefulSet',
      'nats',
      [{ op: 'replace', path: '/spec/replicas', value: 2 }],
      /nats.conf: nats-2.nats-headless:6222: no pod nats-2/,
    ],
    [
      'a secret file outside its volume',
      'Deployment',
      'chat',
      [
        { op: 'test', path: `${ENV}/1/name`, value: 'CHAT_JWT_SECRET_FILE' },
        { op: 'replace', path: `${ENV}/1/value`, value: '/etc/onair/jwt/token' },
      ],
      /CHAT_JWT_SECRET_FILE=\/etc\/onair\/jwt\/token: Secret onair-jwt has no token/,
    ],
    [
      'an autoscaled Deployment that sets its replicas',
      'Deployment',
      'danmaku',
      [{ op: 'add', path: '/spec/replicas', value: 2 }],
      /HorizontalPodAutoscaler\/danmaku: Deployment\/danmaku sets spec.replicas/,
    ],
    [
      'a PodDisruptionBudget that blocks every eviction',
      'PodDisruptionBudget',
      'chat',
      [
        { op: 'remove', path: '/spec/maxUnavailable' },
        { op: 'add', path: '/spec/minAvailable', value: 2 },
      ],
      /PodDisruptionBudget\/chat: with 2 replica\(s\) of Deployment\/chat no pod could ever be evicted/,
    ],
    [
      'several replicas without a PodDisruptionBudget',
      'Deployment',
      'monitoring',
      [{ op: 'replace', path: '/spec/replicas', value: 2 }],
      /Deployment\/monitoring: several replicas, no PodDisruptionBudget/,
    ],
    [
      'a pod the restricted namespace would refuse',
      'Deployment',
      'ingest',
      [{ op: 'remove', path: '/spec/template/spec/containers/0/securityContext/capabilities' }],
      /Deployment\/ingest: container ingest: does not drop ALL capabilities/,
    ],
    [
      'a container without requests',
      'Deployment',
      'monitoring',
      [{ op: 'remove', path: '/spec/template/spec/containers/0/resources' }],
      /container monitoring: needs CPU and memory requests and a memory limit/,
    ],
  ])('fails on %s', (_name, kind, name, ops, problem) => {
    const problems = referenceProblems(broken(kind, name, ops), specs);
    expect(
      problems.some((p) => problem.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });
});
