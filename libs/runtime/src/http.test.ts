import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { codeOfGrpcStatus, ERROR_CODES, OnairError } from './errors.js';
import { createHttpApp } from './http.js';
import { createLogger } from './logger.js';

function app() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const http = createHttpApp({
    log: createLogger({ service: 'test', destination: out }),
    health: () => ({ status: 'ok' }),
    errorHeaders: { 'cache-control': 'no-store' },
  });
  http.get<{ Params: { room: string } }>('/rooms/:room', async (req) => {
    if (req.params.room === 'gone') throw new OnairError('NOT_FOUND', 'room gone not found');
    if (req.params.room === 'bad') throw new OnairError('INVALID_ARGUMENT', 'room must be a slug', { field: 'room' });
    if (req.params.room === 'bug') throw new Error('secret detail at /etc/passwd');
    if (req.params.room === 'internal') throw new OnairError('INTERNAL', 'detail of a broken invariant');
    return { room: req.params.room };
  });
  return { http, logs: () => text };
}

describe('createHttpApp: the one error path', () => {
  it.each([
    ['/rooms/gone', 404, { error: 'NOT_FOUND', message: 'room gone not found' }],
    ['/rooms/bad', 400, { error: 'INVALID_ARGUMENT', message: 'room must be a slug', field: 'room' }],
    ['/rooms/bug', 500, { error: 'INTERNAL', message: 'internal error' }],
    ['/rooms/internal', 500, { error: 'INTERNAL', message: 'internal error' }],
    ['/nowhere', 404, { error: 'NOT_FOUND', message: 'not found' }],
    ['/rooms/%E0%A4%A', 400, { error: 'INVALID_ARGUMENT', message: 'bad request' }],
  ])('GET %s → %i %j', async (url, status, body) => {
    const { http } = app();
    const res = await http.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual(body);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('logs an unknown error once and echoes nothing of it', async () => {
    const { http, logs } = app();
    const res = await http.inject({ method: 'GET', url: '/rooms/bug' });
    expect(res.body).not.toContain('passwd');
    expect(
      logs()
        .split('\n')
        .filter((l) => l.includes('request failed')),
    ).toHaveLength(1);
  });

  it('answers /healthz and leaves other routes alone', async () => {
    const { http } = app();
    expect((await http.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await http.inject({ method: 'GET', url: '/rooms/demo' })).json()).toEqual({ room: 'demo' });
  });
});

describe('codeOfGrpcStatus', () => {
  it('maps every catalogue status back to a code with that status, and the rest to INTERNAL or UNAVAILABLE', () => {
    for (const entry of Object.values(ERROR_CODES))
      expect(ERROR_CODES[codeOfGrpcStatus(entry.grpc)].grpc).toBe(entry.grpc);
    expect(codeOfGrpcStatus(8)).toBe('RATE_LIMITED');
    expect(codeOfGrpcStatus(4)).toBe('UNAVAILABLE');
    expect(codeOfGrpcStatus(2)).toBe('INTERNAL');
  });
});
