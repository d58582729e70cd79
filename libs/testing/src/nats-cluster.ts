import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, retryWhilePortTaken } from './ports.js';
import { startProcess, type TestProcess } from './process.js';
import { waitFor } from './wait.js';

/** A NATS cluster of real nats-server processes with JetStream, for tests of replicated streams and failover. */
export interface TestNatsCluster {
  /** Client URLs, "nats://127.0.0.1:<port>", one per node in node order. */
  readonly urls: readonly string[];
  /** The URLs comma-separated, as the services' *_NATS_URL take them. */
  readonly servers: string;
  /** The running process of node `index` (a new one after {@link restart}). */
  process(index: number): TestProcess;
  /** Kills node `index` (SIGKILL: no graceful shutdown, as when a machine dies) and resolves once it has exited. */
  kill(index: number): Promise<void>;
  /**
   * Starts node `index` again (after {@link kill}, or stopping it first when it runs) on the same ports with the same
   * store, resolving once it reports JetStream healthy.
   * @throws Error with the server's output when it is not healthy within 20 s.
   */
  restart(index: number): Promise<void>;
  /** Stops every node and removes their stores. */
  stop(): Promise<void>;
}

interface NodePorts {
  readonly client: number;
  readonly route: number;
  readonly monitor: number;
}

interface Node {
  readonly dir: string;
  readonly ports: NodePorts;
  proc: TestProcess;
}

const CLUSTER_NAME = 'onair-test';

/** The nats-server configuration of node `index`: JetStream in its own store, routes to every other node. */
function nodeConfig(index: number, dir: string, all: readonly NodePorts[]): string {
  const self = all[index];
  if (!self) throw new RangeError(`no node ${index}`);
  const routes = all.filter((_, i) => i !== index).map((p) => `"nats-route://127.0.0.1:${p.route}"`);
  return [
    `server_name: "n${index}"`,
    'host: "127.0.0.1"',
    `port: ${self.client}`,
    `http: "127.0.0.1:${self.monitor}"`,
    `jetstream { store_dir: "${join(dir, 'js')}" }`,
    `cluster { name: "${CLUSTER_NAME}", listen: "127.0.0.1:${self.route}", routes: [${routes.join(', ')}] }`,
    '',
  ].join('\n');
}

function spawnNode(dir: string): TestProcess {
  return startProcess(process.env.NATS_SERVER_BIN ?? 'nats-server', ['-c', join(dir, 'nats.conf')]);
}

/**
 * Resolves once the node's monitoring `/healthz` answers 200 (nats-server: JetStream enabled and current with its
 * cluster's meta leader).
 * @throws Error (with EADDRINUSE when a port was taken) and the server's output when it exits or is not healthy
 * within `timeoutMs`.
 */
async function healthy(node: Node, timeoutMs: number): Promise<void> {
  const outcome = await waitFor(
    async () => {
      if (node.proc.child.exitCode !== null || node.proc.child.signalCode !== null) return 'exited';
      const res = await fetch(`http://127.0.0.1:${node.ports.monitor}/healthz`).catch(() => undefined);
      return res?.status === 200 && 'healthy';
    },
    { timeoutMs, what: `nats-server on port ${node.ports.client} to be healthy` },
  ).catch((err: unknown) => new Error(`${String(err)}\n${node.proc.output()}`));
  if (outcome === 'healthy') return;
  if (outcome instanceof Error) throw outcome;
  const output = node.proc.output();
  const taken = output.includes('address already in use') ? ' (EADDRINUSE)' : '';
  throw new Error(`nats-server exited${taken}:\n${output}`);
}

async function startNodes(count: number): Promise<Node[]> {
  const all: NodePorts[] = [];
  for (let i = 0; i < count; i++)
    all.push({ client: await freePort(), route: await freePort(), monitor: await freePort() });
  const nodes = all.map((ports, i): Node => {
    const dir = mkdtempSync(join(tmpdir(), `onair-nats-n${i}-`));
    writeFileSync(join(dir, 'nats.conf'), nodeConfig(i, dir, all));
    return { dir, ports, proc: spawnNode(dir) };
  });
  try {
    await Promise.all(nodes.map((node) => healthy(node, 20_000)));
    return nodes;
  } catch (err) {
    await Promise.all(nodes.map((node) => node.proc.stop()));
    for (const node of nodes) rmSync(node.dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Starts `count` nats-server processes (from PATH, or NATS_SERVER_BIN) forming one cluster: JetStream on, each with
 * its own store dir, routes between them, on free ports (picked again when another process takes one first); resolves
 * once every node reports JetStream healthy (a meta leader elected). Use 3 or 5 nodes for replicated streams.
 * @throws Error with a server's output when the cluster is not healthy within 20 s.
 */
export async function startNatsCluster(count: number): Promise<TestNatsCluster> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer: ${count}`);
  const nodes = await retryWhilePortTaken(() => startNodes(count));
  const node = (index: number): Node => {
    const found = nodes[index];
    if (!found) throw new RangeError(`no node ${index} in a cluster of ${count}`);
    return found;
  };
  const urls = nodes.map((n) => `nats://127.0.0.1:${n.ports.client}`);
  return {
    urls,
    servers: urls.join(','),
    process: (index) => node(index).proc,
    async kill(index) {
      const { proc } = node(index);
      proc.child.kill('SIGKILL');
      await proc.exited;
    },
    async restart(index) {
      const n = node(index);
      await n.proc.stop();
      n.proc = spawnNode(n.dir);
      await healthy(n, 20_000);
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.proc.stop()));
      for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
    },
  };
}
