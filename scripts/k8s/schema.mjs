// Checks rendered manifests against the Kubernetes API schemas, offline, in two passes over the models of the npm
// package kubernetes-models (generated from Kubernetes' OpenAPI document):
// - values: each object goes through its model's validate() (JSON Schema: types, required fields, enums, formats);
// - fields: the OpenAPI schemas allow unknown fields, so a misspelt or misplaced one (`readinesProbe`, `ports`
//   one level too deep) would pass the first pass and be dropped or refused by the API server. The second pass
//   type-checks every object as an object literal of the model's TypeScript interface, where the compiler rejects
//   any property the interface lacks, at any depth.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import ts from 'typescript';
import { idOf } from './render.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The module of an apiVersion in kubernetes-models: "v1" → kubernetes-models/v1, "apps/v1" → …/apps/v1. */
const modulePath = (apiVersion) => `kubernetes-models/${apiVersion}`;

/**
 * Validates each object with its kubernetes-models model.
 * @returns {Promise<string[]>} one problem per invalid object (the first schema error), or per unknown kind
 */
export async function valueProblems(objects) {
  const problems = [];
  for (const o of objects) {
    let model;
    try {
      model = (await import(modulePath(o.apiVersion)))[o.kind];
    } catch {
      model = undefined;
    }
    if (typeof model !== 'function') {
      problems.push(`${idOf(o)}: no Kubernetes schema for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new model(o).validate();
    } catch (err) {
      problems.push(`${idOf(o)}: ${String(err.message).replaceAll(/\bdata\//g, '/')}`);
    }
  }
  return problems;
}

/** Parsed declaration files (TypeScript's lib, the models' .d.ts), kept across calls: they never change. */
const declarations = new Map();

/**
 * Type-checks each object against its model's TypeScript interface (`IDeployment` …), in memory.
 * @returns {string[]} one problem per compiler error, naming the object and the field's path
 */
export function fieldProblems(objects) {
  const file = join(ROOT, 'deploy/k8s/__manifests__.ts');
  // Objects without a model are valueProblems' to report.
  const known = objects.filter(
    (o) =>
      /^[a-z0-9.]+(\/[a-z0-9]+)?$/.test(o.apiVersion) &&
      /^\w+$/.test(o.kind) &&
      existsSync(join(ROOT, 'node_modules', modulePath(o.apiVersion), `${o.kind}.d.ts`)),
  );
  const lines = known.map(
    (o, i) => `import type { I${o.kind} as T${i} } from '${modulePath(o.apiVersion)}/${o.kind}';`,
  );
  known.forEach((o, i) => lines.push(`export const o${i}: T${i} = ${JSON.stringify(o, null, 1)};`));
  const source = ts.createSourceFile(file, lines.join('\n'), ts.ScriptTarget.ES2022, true);
  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, ...rest) => {
    if (name === file) return source;
    if (!declarations.has(name)) declarations.set(name, getSourceFile.call(host, name, ...rest));
    return declarations.get(name);
  };
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  const program = ts.createProgram([file], options, host);
  const problems = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0];
    if (d.file !== source || d.start === undefined) throw new Error(`type-checking the manifests: ${message}`);
    const at = locate(source, d.start);
    if (!at) throw new Error(`type-checking the manifests: ${message}`);
    problems.push(`${idOf(known[at.index])}: ${at.path || '/'}: ${message.replaceAll('"', '')}`);
  }
  return problems;
}

/** Which exported object a position lies in, and the JSON path to the innermost property or element there. */
function locate(source, pos) {
  let index = -1;
  let node;
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    index++;
    if (pos >= statement.getStart(source) && pos < statement.end) {
      node = statement.declarationList.declarations[0]?.initializer;
      break;
    }
  }
  if (!node) return undefined;
  let path = '';
  for (;;) {
    const inside = (n) => pos >= n.getStart(source) && pos < n.end;
    if (ts.isObjectLiteralExpression(node)) {
      const p = node.properties.find(inside);
      if (!p || !ts.isPropertyAssignment(p)) break;
      path += `/${p.name.getText(source).replaceAll('"', '')}`;
      if (!inside(p.initializer)) break;
      node = p.initializer;
    } else if (ts.isArrayLiteralExpression(node)) {
      const i = node.elements.findIndex(inside);
      if (i < 0) break;
      path += `/${i}`;
      node = node.elements[i];
    } else break;
  }
  return { index, path };
}

/**
 * Both passes: schema values and unknown fields.
 * @returns {Promise<string[]>}
 */
export async function schemaProblems(objects) {
  return [...(await valueProblems(objects)), ...fieldProblems(objects)];
}
