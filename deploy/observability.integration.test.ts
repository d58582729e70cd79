import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMetricsRegistry } from '@onair/runtime';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The files of docker compose's `observability` profile: Prometheus scraping every service, Grafana with a
// provisioned data source and the Onair dashboard.

const root = fileURLToPath(new URL('..', import.meta.url));
const deploy = (path: string): string => join(root, 'deploy', path);
const readYaml = (path: string): unknown => parse(readFileSync(deploy(path), 'utf8'));

/** Compose service → port of its HTTP /metrics inside the compose network. */
const SCRAPED = { ingest: 9101, relay: 8080, danmaku: 8081, chat: 8082, monitoring: 3000 } as const;

interface Target {
  datasource?: { uid?: string };
  expr?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Array<{ name: string; datasource?: { uid?: string }; query?: string | { query?: string } }> };
}

const dashboard = JSON.parse(readFileSync(deploy('grafana/dashboards/onair.json'), 'utf8')) as Dashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '' })));
const variableQueries = dashboard.templating.list.map((v) => ({
  variable: v.name,
  query: typeof v.query === 'string' ? v.query : (v.query?.query ?? ''),
}));

/**
 * Every metric name a service can expose: those defined in the TypeScript sources (`name: 'onair_…'` in a
 * prom-client metric or monitoring's gauge table), prom-client's default metrics as the services' registry
 * names them (with the `_bucket`/`_sum`/`_count` series of histograms), and Prometheus' own `up`.
 */
async function exposedMetricNames(): Promise<Set<string>> {
  const names = new Set(['up']);
  for (const dir of ['libs', 'services']) {
    for (const pkg of readdirSync(join(root, dir))) {
      const src = join(root, dir, pkg, 'src');
      const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
        (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
      );
      for (const file of files) {
        for (const [, name] of readFileSync(join(src, file), 'utf8').matchAll(/\bname:\s*'(onair_[a-z0-9_]+)'/g)) {
          names.add(name!);
        }
      }
    }
  }
  for (const metric of await createMetricsRegistry('test').getMetricsAsJSON()) {
    names.add(metric.name);
    // prom-client types `type` as a numeric enum; at run time it is the exposition type name.
    if (String(metric.type) !== 'histogram') continue;
    for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects: identifiers left once strings, label matchers, ranges,
 * grouping clauses, function calls and keywords are taken out.
 */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter(([, name, call]) => call === undefined && !PROMQL_KEYWORDS.has(name!.toLowerCase()))
    .map(([, name]) => name!);
}

/** A Grafana expression as Prometheus sees it: dashboard variables replaced by a value of their kind. */
const resolveVariables = (expr: string): string => expr.replace(/\$__\w+/g, '1m').replace(/\$\w+/g, '.*');

describe('prometheus.yml', () => {
  it('passes promtool check config', () => {
    const out = execFileSync('promtool', ['check', 'config', deploy('prometheus/prometheus.yml')], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
    expect(out).toContain('SUCCESS');
  });

  it('scrapes every replica of every service through DNS, as a job named after the service', () => {
    const config = readYaml('prometheus/prometheus.yml') as {
      scrape_configs: Array<{
        job_name: string;
        dns_sd_configs?: Array<{ names: string[]; type: string; port: number }>;
      }>;
    };
    for (const [service, port] of Object.entries(SCRAPED)) {
      const job = config.scrape_configs.find((c) => c.job_name === service);
      expect(job?.dns_sd_configs, service).toEqual([expect.objectContaining({ names: [service], type: 'A', port })]);
    }
  });
});

describe('grafana provisioning', () => {
  it('provisions the Prometheus data source as the default', () => {
    const { apiVersion, datasources } = readYaml('grafana/provisioning/datasources/prometheus.yml') as {
      apiVersion: number;
      datasources: Array<Record<string, unknown>>;
    };
    expect(apiVersion).toBe(1);
    expect(datasources).toEqual([
      expect.objectContaining({
        type: 'prometheus',
        uid: 'onair-prometheus',
        url: 'http://prometheus:9090',
        isDefault: true,
      }),
    ]);
  });

  it('loads the dashboards from the folder deploy/grafana/dashboards is mounted at', () => {
    const { apiVersion, providers } = readYaml('grafana/provisioning/dashboards/onair.yml') as {
      apiVersion: number;
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(apiVersion).toBe(1);
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } });
    expect(readdirSync(deploy('grafana/dashboards'))).toContain('onair.json');
  });
});

describe('onair.json dashboard', () => {
  const { datasources } = readYaml('grafana/provisioning/datasources/prometheus.yml') as {
    datasources: Array<{ uid: string }>;
  };
  const uid = datasources[0]!.uid;

  it('is the Onair dashboard', () => {
    expect(dashboard).toMatchObject({ uid: 'onair', title: 'Onair', schemaVersion: 39 });
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });

  it('queries the provisioned data source in every panel, target and variable', () => {
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe(uid);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe(uid);
    }
    for (const variable of dashboard.templating.list) expect(variable.datasource?.uid, variable.name).toBe(uid);
  });

  it('selects only metrics the services expose', async () => {
    const exposed = await exposedMetricNames();
    const queries = [
      ...exprs.map(({ panel, expr }) => ({ where: panel, expr })),
      ...variableQueries.map(({ variable, query }) => ({
        where: `$${variable}`,
        expr: /^label_values\(([^,)]+)/.exec(query)?.[1] ?? query,
      })),
    ];
    for (const { where, expr } of queries) {
      const names = metricNamesIn(expr);
      expect(names, `${where}: ${expr}`).not.toHaveLength(0);
      for (const name of names) expect(exposed, `${where}: ${expr}`).toContain(name);
    }
  });

  it('has expressions Prometheus parses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onair-dashboard-'));
    try {
      const rules = exprs.map(({ expr }, i) => ({ record: `onair:dashboard_expr_${i}`, expr: resolveVariables(expr) }));
      writeFileSync(join(dir, 'rules.json'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const out = execFileSync('promtool', ['check', 'rules', join(dir, 'rules.json')], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
      expect(out).toContain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('alerts.yml', () => {
  const promtool = (...args: string[]): string =>
    execFileSync('promtool', args, { encoding: 'utf8', stdio: 'pipe', cwd: deploy('prometheus') });

  it('passes promtool check rules', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toContain('SUCCESS: 6 rules found');
  });

  it('passes its unit tests (promtool test rules alerts.test.yml): each alert fires after its `for`', () => {
    expect(promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });

  it('is loaded by prometheus.yml and uses only metrics the services expose', async () => {
    expect((readYaml('prometheus/prometheus.yml') as { rule_files?: string[] }).rule_files).toEqual(['alerts.yml']);
    const exposed = await exposedMetricNames();
    const alerts = readYaml('prometheus/alerts.yml') as {
      groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
    };
    const rules = alerts.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toHaveLength(6);
    for (const { alert, expr } of rules) {
      const names = metricNamesIn(expr);
      expect(names, alert).not.toHaveLength(0);
      for (const name of names) expect(exposed, `${alert}: ${expr}`).toContain(name);
    }
  });
});
