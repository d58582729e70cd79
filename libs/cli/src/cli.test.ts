import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { describeError, hostOf, parseOnOff, runCli, type CliIo } from './cli.js';
import { formatRoom, formatRoomList, keyView, roomView } from './format.js';

function capture(env: NodeJS.ProcessEnv = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env };
}

/** A gRPC client error as grpc-js reports one the server answered: the response headers in its metadata. */
function answered(): Error {
  const metadata = new Metadata();
  metadata.set('content-type', 'application/grpc+proto');
  return Object.assign(new Error('unavailable'), { metadata });
}

/** A gRPC client error as grpc-js reports a call that reached no server: empty metadata. */
function unanswered(): Error {
  return Object.assign(new Error('no connection'), { metadata: new Metadata() });
}

const room = roomView({
  id: 'studio',
  title: 'Studio',
  createdAtMs: Date.UTC(2025, 0, 2, 3, 4, 5),
  live: true,
  record: true,
  recording: true,
});

describe('formatting', () => {
  it.each([
    { rtmp: 'rtmp://example.org/live', publishUrl: 'rtmp://example.org/live/studio_k' },
    { rtmp: 'rtmp://example.org:1936/live/', publishUrl: 'rtmp://example.org:1936/live/studio_k' },
  ])('keyView($rtmp)', ({ rtmp, publishUrl }) => {
    expect(keyView('studio_k', rtmp).publishUrl).toBe(publishUrl);
  });

  it('prints a room with its key and publish URLs', () => {
    expect(formatRoom(room, keyView('studio_k', 'rtmp://h/live'))).toBe(
      [
        'room         studio',
        'title        Studio',
        'created      2025-01-02T03:04:05.000Z',
        'live         yes',
        'record       on',
        'stream key   studio_k',
        'server (OBS) rtmp://h/live',
        'publish URL  rtmp://h/live/studio_k',
        '',
      ].join('\n'),
    );
  });

  it('prints rooms as a table, or a hint when there are none', () => {
    expect(formatRoomList([room])).toBe(
      'ROOM    LIVE  RECORD  CREATED                   TITLE\nstudio  yes   on      2025-01-02T03:04:05.000Z  Studio\n',
    );
    expect(formatRoomList([])).toMatch(/no rooms yet/);
  });

  it('refuses an answer without a room', () => {
    expect(() => roomView(null)).toThrow(/without a room/);
  });
});

describe('arguments and errors', () => {
  it.each([
    { address: '127.0.0.1:50051', host: '127.0.0.1' },
    { address: 'ingest.internal:50051', host: 'ingest.internal' },
    { address: '[::1]:50051', host: '[::1]' },
    { address: 'ingest', host: 'ingest' },
  ])('hostOf($address) = $host', ({ address, host }) => {
    expect(hostOf(address)).toBe(host);
  });

  it.each([
    {
      err: Object.assign(new Error('room x does not exist'), { code: 'NOT_FOUND' }),
      text: 'not found: room x does not exist',
    },
    {
      err: Object.assign(new Error('room x already exists'), { code: 'ALREADY_EXISTS' }),
      text: 'already exists: room x already exists',
    },
    {
      err: Object.assign(new Error('wrong admin token'), { code: 'UNAUTHENTICATED' }),
      text: 'unauthenticated: wrong admin token (give the admin token: --token or ONAIR_ADMIN_TOKEN)',
    },
    {
      err: Object.assign(new Error('ingest is not connected to NATS; retry', { cause: answered() }), {
        code: 'UNAVAILABLE',
      }),
      text: 'unavailable: ingest is not connected to NATS; retry',
    },
    {
      err: Object.assign(new Error('No connection established', { cause: unanswered() }), { code: 'UNAVAILABLE' }),
      text: 'cannot reach ingest at h:1 (No connection established); is it running? (--ingest or ONAIR_INGEST_GRPC)',
    },
    { err: new Error('boom'), text: 'boom' },
  ])('describeError → $text', ({ err, text }) => {
    expect(describeError(err, 'h:1')).toBe(text);
  });

  it.each([
    { value: 'on', on: true },
    { value: 'OFF', on: false },
    { value: 'true', on: true },
    { value: 'no', on: false },
  ])('parseOnOff($value) = $on', ({ value, on }) => {
    expect(parseOnOff(value)).toBe(on);
  });

  it('reports a --record that is neither on nor off as a usage error', async () => {
    const io = capture();
    expect(await runCli(['node', 'onair', 'rooms', 'update', 'studio', '--record', 'maybe'], io)).toBe(1);
    expect(io.err.join('')).toMatch(
      /^error: option '--record <on\|off>' argument 'maybe' is invalid\. expected on or off/,
    );
  });

  it('fails with exit code 1 and a clear message when ingest is unreachable', async () => {
    const io = capture({ ONAIR_INGEST_GRPC: '127.0.0.1:1' });
    expect(await runCli(['node', 'onair', 'rooms', 'list'], io)).toBe(1);
    expect(io.err.join('')).toMatch(/^onair: cannot reach ingest at 127\.0\.0\.1:1 .*is it running\?/);
    expect(io.out).toEqual([]);
  });

  it('reports a usage error for a missing argument', async () => {
    const io = capture();
    expect(await runCli(['node', 'onair', 'rooms', 'create'], io)).not.toBe(0);
    expect(io.err.join('')).toMatch(/missing required argument 'id'/);
  });

  it.each([
    { name: 'an empty --ingest', args: ['--ingest', ''] },
    { name: 'an --ingest with spaces', args: ['--ingest', 'in gest:50051'] },
  ])('reports $name as a usage error, without a stack trace', async ({ args }) => {
    const io = capture();
    expect(await runCli(['node', 'onair', ...args, 'rooms', 'list'], io)).toBe(1);
    expect(io.err.join('')).toMatch(
      /^error: option '--ingest <host:port>' argument '.*' is invalid\. expected host:port/,
    );
    expect(io.err.join('')).not.toMatch(/\n\s+at /);
  });

  it('documents recordings delete, which takes a room and a publish id', async () => {
    const io = capture();
    await runCli(['node', 'onair', 'recordings', 'delete', '--help'], io);
    const help = io.out.join('').replace(/\s+/g, ' ');
    expect(help).toContain('Usage: onair recordings delete [options] <room> <publishId>');
    expect(help).toContain('GET /api/recordings?room=<room>');
    const top = capture();
    await runCli(['node', 'onair', '--help'], top);
    expect(top.out.join('')).toMatch(/^\s+recordings\s+delete recordings from the origin relays$/m);
  });

  it('reports recordings delete without a publish id as a usage error', async () => {
    const io = capture();
    expect(await runCli(['node', 'onair', 'recordings', 'delete', 'studio'], io)).not.toBe(0);
    expect(io.err.join('')).toMatch(/missing required argument 'publishId'/);
  });

  it('fails recordings delete with exit code 1 when ingest is unreachable', async () => {
    const io = capture({ ONAIR_INGEST_GRPC: '127.0.0.1:1' });
    const publishId = '0d000000-0000-4000-8000-000000000001';
    expect(await runCli(['node', 'onair', 'recordings', 'delete', 'studio', publishId], io)).toBe(1);
    expect(io.err.join('')).toMatch(/^onair: cannot reach ingest at 127\.0\.0\.1:1 /);
    expect(io.out).toEqual([]);
  });

  it('documents rooms end and fails it with exit code 1 when ingest is unreachable', async () => {
    const help = capture();
    await runCli(['node', 'onair', 'rooms', 'end', '--help'], help);
    expect(help.out.join('').replace(/\s+/g, ' ')).toContain('Usage: onair rooms end [options] <id>');
    const io = capture({ ONAIR_INGEST_GRPC: '127.0.0.1:1' });
    expect(await runCli(['node', 'onair', 'rooms', 'end', 'studio'], io)).toBe(1);
    expect(io.err.join('')).toMatch(/^onair: cannot reach ingest at 127\.0\.0\.1:1 /);
    expect(io.out).toEqual([]);
  });

  it('documents --token in the help without printing the token from the environment', async () => {
    const io = capture({ ONAIR_ADMIN_TOKEN: 'sekrit-token' });
    await runCli(['node', 'onair', '--help'], io);
    const help = io.out.join('').replace(/\s+/g, ' ');
    expect(help).toContain("--token <token> admin token, sent as gRPC metadata 'authorization: Bearer <token>'");
    expect(help).toContain('ONAIR_ADMIN_TOKEN');
    expect(help).not.toContain('sekrit-token');
  });
});
