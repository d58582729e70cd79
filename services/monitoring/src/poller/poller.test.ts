import { describe, expect, it } from 'vitest';
import type { telemetry } from '@onair/proto';
import type { HealthStatus } from '@onair/grpc-kit';
import { createLogger, OnairError } from '@onair/runtime';
import { waitFor } from '@onair/testing';
import { createPoller } from './poller.js';
import type { TargetProbe } from './target-probe.js';
import type { Target } from './targets.js';

const log = createLogger({ service: 'test', level: 'silent' });

/** A hand-written probe: answers with `health` after `gate()` resolves and counts its polls. */
class FakeProbe implements TargetProbe {
  polls = 0;
  inFlight = 0;
  maxInFlight = 0;
  closed = false;
  constructor(
    private readonly target: Target,
    private readonly health: HealthStatus | 'down',
    private readonly gate: () => Promise<void> = () => Promise.resolve(),
  ) {}

  async checkHealth(): Promise<HealthStatus> {
    this.polls += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await this.gate();
    this.inFlight -= 1;
    if (this.health === 'down') throw new OnairError('UNAVAILABLE', 'connect ECONNREFUSED');
    return this.health;
  }

  async getStats(): Promise<telemetry.GetStatsResponse__Output> {
    await this.gate();
    if (this.health === 'down') throw new OnairError('UNAVAILABLE', 'connect ECONNREFUSED');
    return {
      service: this.target.name,
      instance: this.target.address,
      version: '0.1.0',
      startedAtMs: 1,
      rooms: [],
      nats: null,
    };
  }

  close(): void {
    this.closed = true;
  }
}

function setup(make: (t: Target) => FakeProbe, targets: Target[], pollMs = 10) {
  const probes = new Map<string, FakeProbe>();
  const poller = createPoller({
    targets,
    pollMs,
    timeoutMs: 1000,
    log,
    openProbe: (t) => {
      const probe = make(t);
      probes.set(t.address, probe);
      return probe;
    },
  });
  const probe = (address: string): FakeProbe => {
    const found = probes.get(address);
    if (!found) throw new Error(`no probe opened for ${address}`);
    return found;
  };
  return { poller, probe };
}

describe('createPoller', () => {
  it('keeps every target in list order; start resolves once each was polled', async () => {
    const targets = [
      { name: 'ingest', address: 'a:1' },
      { name: 'relay', address: 'b:2' },
      { name: 'chat', address: 'c:3' },
    ];
    const health: Record<string, HealthStatus | 'down'> = { 'a:1': 'SERVING', 'b:2': 'down', 'c:3': 'NOT_SERVING' };
    const { poller } = setup((t) => new FakeProbe(t, health[t.address]!), targets, 60_000);
    expect(poller.states().map((s) => s.health)).toEqual(['UNREACHABLE', 'UNREACHABLE', 'UNREACHABLE']);
    await poller.start();
    expect(poller.states().map((s) => [s.target.address, s.health, s.stats?.instance ?? null])).toEqual([
      ['a:1', 'SERVING', 'a:1'],
      ['b:2', 'UNREACHABLE', null],
      ['c:3', 'NOT_SERVING', 'c:3'],
    ]);
    await poller.stop();
  });

  it('keeps polling the others while one target hangs', async () => {
    let release!: () => void;
    const hang = new Promise<void>((r) => (release = r));
    const targets = [
      { name: 'slow', address: 'slow:1' },
      { name: 'fast', address: 'fast:2' },
    ];
    const { poller, probe } = setup(
      (t) => new FakeProbe(t, 'SERVING', t.name === 'slow' ? () => hang : undefined),
      targets,
    );
    const started = poller.start();
    await waitFor(() => probe('fast:2').polls >= 5, { what: 'five polls of the fast target' });
    expect(probe('slow:1').polls).toBe(1);
    expect(poller.states().map((s) => s.health)).toEqual(['UNREACHABLE', 'SERVING']);
    release();
    await started;
    await waitFor(() => poller.states()[0]!.health === 'SERVING', { what: 'the slow target to answer' });
    await poller.stop();
  });

  it('follows the replicas discovery finds: new ones polled, gone ones stopped, the rest keep their state', async () => {
    const { poller, probe } = setup((t) => new FakeProbe(t, 'SERVING'), [{ name: 'chat', address: '10.0.0.1:1' }]);
    await poller.start();
    const first = probe('10.0.0.1:1');
    await poller.setTargets([
      { name: 'chat', address: '10.0.0.1:1' },
      { name: 'chat', address: '10.0.0.2:1' },
    ]);
    await waitFor(() => poller.states().every((s) => s.health === 'SERVING'), { what: 'both replicas serving' });
    expect(probe('10.0.0.1:1')).toBe(first);
    await poller.setTargets([{ name: 'chat', address: '10.0.0.2:1' }]);
    expect(first.closed).toBe(true);
    expect(poller.states().map((s) => s.target.address)).toEqual(['10.0.0.2:1']);
    await poller.stop();
    expect(probe('10.0.0.2:1').closed).toBe(true);
  });

  it('runs one poll per target at a time, even when a poll outlasts the interval', async () => {
    const slowGate = () => new Promise<void>((r) => setTimeout(r, 30));
    const { poller, probe } = setup(
      (t) => new FakeProbe(t, 'SERVING', slowGate),
      [{ name: 'relay', address: 'r:1' }],
      1,
    );
    await poller.start();
    await waitFor(() => probe('r:1').polls >= 4, { what: 'four polls' });
    await poller.stop();
    expect(probe('r:1').maxInFlight).toBe(1);
  });

  it('stop waits for the poll in flight, closes the probes and polls no more', async () => {
    const { poller, probe } = setup((t) => new FakeProbe(t, 'SERVING'), [{ name: 'chat', address: 'c:1' }]);
    await poller.start();
    await waitFor(() => probe('c:1').polls >= 2, { what: 'two polls' });
    await poller.stop();
    const polls = probe('c:1').polls;
    expect(probe('c:1').closed).toBe(true);
    expect(probe('c:1').inFlight).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(probe('c:1').polls).toBe(polls);
  });
});
