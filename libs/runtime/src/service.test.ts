import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { field, logLevelField, portField, secret } from './config.js';
import { runService, serviceApp, stopInOrder, type ServiceApp } from './service.js';

const configSpec = {
  port: portField('SVC_PORT', 0, 'A port.'),
  token: secret(field(z.string().min(8), 'SVC_TOKEN', 'default-token', 'A secret.')),
  logLevel: logLevelField('SVC_LOG_LEVEL'),
};

/** Runs `runService` with a fake process: captured log lines, signals to emit, exit codes recorded. */
function harness(createApp: () => ServiceApp, env: NodeJS.ProcessEnv = {}, stopTimeoutMs = 1000) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const signals = new EventEmitter();
  const exits: number[] = [];
  let exited: () => void = () => undefined;
  const exitedOnce = new Promise<void>((resolve) => (exited = resolve));
  const run = runService(
    { name: 'svc', configSpec, createApp },
    {
      env,
      destination: out,
      stopTimeoutMs,
      signals: signals as unknown as NodeJS.Process,
      exit: (code) => {
        exits.push(code);
        exited();
      },
    },
  );
  return {
    run,
    signals,
    exits,
    exited: exitedOnce,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

function fakeApp(overrides: Partial<{ start: () => Promise<void>; stop: () => Promise<void> }> = {}) {
  const calls: string[] = [];
  const app = serviceApp('svc', {
    async start() {
      calls.push('start');
      await overrides.start?.();
      return { httpPort: 8080, grpcPort: 50051 };
    },
    async stop() {
      calls.push('stop');
      await overrides.stop?.();
    },
  });
  return { app, calls };
}

describe('runService', () => {
  it('starts the app, logs started with its ports, and on SIGTERM stops it and exits 0', async () => {
    const { app, calls } = fakeApp();
    const h = harness(() => app);
    await h.run;
    expect(h.lines().find((l) => l.msg === 'started')).toMatchObject({
      service: 'svc',
      httpPort: 8080,
      grpcPort: 50051,
    });
    h.signals.emit('SIGTERM', 'SIGTERM');
    h.signals.emit('SIGINT', 'SIGINT');
    await h.exited;
    expect(calls).toEqual(['start', 'stop']);
    expect(h.exits).toEqual([0]);
    expect(h.lines().map((l) => l.msg)).toEqual(['started', 'stopping', 'stopped']);
  });

  it('logs an invalid configuration once (fatal, every variable named, no secret value) and exits 1', async () => {
    let created = false;
    const h = harness(
      () => {
        created = true;
        return fakeApp().app;
      },
      { SVC_PORT: 'http', SVC_TOKEN: 'short', SVC_PROT: '1' },
    );
    await h.run;
    expect(created).toBe(false);
    expect(h.exits).toEqual([1]);
    const lines = h.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'fatal', msg: 'invalid configuration' });
    const problems = lines[0]?.problems as string[];
    expect(problems).toEqual([expect.stringMatching(/^SVC_PORT="http": /), expect.stringMatching(/^SVC_TOKEN: /)]);
    expect(JSON.stringify(lines)).not.toContain('short');
  });

  it('logs a failed start once, stops what started, and exits 1', async () => {
    const { app, calls } = fakeApp({ start: () => Promise.reject(new Error('EADDRINUSE')) });
    const h = harness(() => app);
    await h.run;
    expect(h.exits).toEqual([1]);
    expect(calls).toEqual(['start', 'stop']);
    const fatal = h.lines().filter((l) => l.level === 'fatal');
    expect(fatal.map((l) => [l.msg, (l.err as { message?: string }).message])).toEqual([
      ['start failed', 'EADDRINUSE'],
    ]);
  });

  it('exits 1 when the stop does not finish in time', async () => {
    const { app } = fakeApp({ stop: () => new Promise(() => undefined) });
    const h = harness(() => app, {}, 50);
    await h.run;
    h.signals.emit('SIGINT', 'SIGINT');
    await h.exited;
    expect(h.exits).toEqual([1]);
    expect(h.lines().at(-1)).toMatchObject({ level: 'error', msg: 'stop timed out' });
  });

  it('warns about variables with its prefix that no field reads', async () => {
    const h = harness(() => fakeApp().app, { SVC_PROT: '1', OTHER: '2' });
    await h.run;
    expect(h.lines()[0]).toMatchObject({ level: 'warn', unknown: ['SVC_PROT'] });
  });
});

describe('serviceApp', () => {
  it('answers ports() only once started, and stop() before a start does nothing', async () => {
    const { app, calls } = fakeApp();
    expect(() => app.ports()).toThrow('svc has not started');
    await app.stop();
    expect(calls).toEqual([]);
    await app.start();
    expect(app.ports()).toEqual({ httpPort: 8080, grpcPort: 50051 });
  });
});

describe('stopInOrder', () => {
  it('runs a phase in parallel, the next once it settled, every phase despite failures', async () => {
    const log: string[] = [];
    const step =
      (name: string, ms: number, fail = false) =>
      async () => {
        await new Promise((r) => setTimeout(r, ms));
        log.push(name);
        if (fail) throw new Error(name);
      };
    await expect(stopInOrder([[step('grpc', 20), step('http', 5, true)], [step('nats', 0)]])).rejects.toThrow(
      AggregateError,
    );
    expect(log).toEqual(['http', 'grpc', 'nats']);
  });
});
