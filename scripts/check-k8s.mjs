#!/usr/bin/env node
// Checks deploy/k8s without a cluster, kubectl or kustomize: renders the base and every overlay (scripts/k8s/
// render.mjs, the kustomize subset they use), validates every object against the Kubernetes API schemas
// (kubernetes-models: values and unknown fields), and checks that each overlay's objects fit together: Service
// selectors and ports, probe ports, Secrets, ConfigMaps and volumes, PodDisruptionBudgets and autoscalers, pod
// hardening, and the services' environment against their own configuration specs. Secret files an overlay's
// secretGenerator reads (deploy/k8s/make-secrets.sh makes them) are replaced by placeholders when absent.
// Exits 1 on any problem. Needs `npm run build` first (the configuration specs are read from dist/).
// Usage: node scripts/check-k8s.mjs [deploy/k8s]
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { envProblems, loadEnvSpecs } from './k8s/onair-env.mjs';
import {
  addressProblems,
  configProblems,
  podProblems,
  probeProblems,
  scalingProblems,
  serviceProblems,
} from './k8s/references.mjs';
import { render } from './k8s/render.mjs';
import { schemaProblems } from './k8s/schema.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
/** deploy/k8s, or the directory given as the first argument (laid out the same: base/, overlays/<name>/). */
const K8S = resolve(process.argv[2] ?? join(ROOT, 'deploy/k8s'));

/**
 * How a rendered overlay's objects fit together: Services, probes, Secrets and ConfigMaps, disruption and scaling,
 * pod hardening, the services' environment and the addresses in it.
 * @param specs what loadEnvSpecs returns
 * @returns {string[]}
 */
export function referenceProblems(objects, specs) {
  const env = envProblems(objects, specs);
  return [
    ...serviceProblems(objects),
    ...probeProblems(objects),
    ...configProblems(objects),
    ...scalingProblems(objects),
    ...podProblems(objects),
    ...env.problems,
    ...addressProblems(objects, env.addresses),
  ];
}

/**
 * Every problem of a rendered overlay: the schemas, then {@link referenceProblems}.
 * @returns {Promise<string[]>}
 */
export async function overlayProblems(objects, specs) {
  return [...(await schemaProblems(objects)), ...referenceProblems(objects, specs)];
}

async function main() {
  const specs = await loadEnvSpecs();
  const overlays = readdirSync(join(K8S, 'overlays')).map((d) => join(K8S, 'overlays', d));
  let failed = false;
  for (const dir of [join(K8S, 'base'), ...overlays.filter((d) => existsSync(join(d, 'kustomization.yaml')))]) {
    const name = relative(process.cwd(), dir);
    let problems;
    let summary = '';
    try {
      const { objects, missingFiles } = render(dir, { missingFiles: 'placeholder' });
      // The base alone lacks what overlays add (namespace, Secrets): its objects are checked against the schemas.
      problems = dir.endsWith('/base') ? await schemaProblems(objects) : await overlayProblems(objects, specs);
      summary = `${objects.length} objects`;
      if (missingFiles.length > 0) summary += `, ${missingFiles.length} secret files absent (placeholders)`;
    } catch (err) {
      problems = [err.message];
    }
    if (problems.length === 0) {
      console.log(`${name}: ok (${summary})`);
      continue;
    }
    failed = true;
    console.error(`${name}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  if (failed) process.exit(1);
}

if (process.argv[1] === new URL(import.meta.url).pathname) await main();
