import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@onair/runtime';
import { configSpec } from './config.js';

describe('relay config', () => {
  it('has the documented defaults', () => {
    expect(loadConfig(configSpec, 'RELAY_', {}).config).toEqual({
      host: '0.0.0.0',
      httpPort: 8080,
      grpcPort: 50052,
      httpsPort: 8443,
      tlsCertFile: '',
      tlsKeyFile: '',
      grpcTlsCaFile: '',
      grpcTlsCertFile: '',
      grpcTlsKeyFile: '',
      grpcTlsPeers: ['ingest', 'relay', 'danmaku', 'chat', 'monitoring', 'cli'],
      grpcTlsTrusted: ['cli'],
      upstream: '127.0.0.1:50051',
      follow: 'all',
      natsUrl: '',
      upstreamPollMs: 1000,
      firstRequestWaitMs: 5000,
      idleMs: 30_000,
      windowSegments: 6,
      endedLingerMs: 30_000,
      recordingsDir: 'recordings',
      recordingsMaxAgeMs: 604_800_000,
      recordingsMaxBytes: 0,
      recordingsCheckMs: 60_000,
      watchDanmakuUrl: 'http://localhost:8081',
      watchChatUrl: 'http://localhost:8082',
      watchSignInUrl: '',
      watchDevJwtSecretFile: '',
      logLevel: 'info',
    });
  });

  const valid: Array<[Record<string, string>, Record<string, unknown>]> = [
    [{ RELAY_UPSTREAM: 'origin.internal:50052' }, { upstream: 'origin.internal:50052' }],
    [{ RELAY_UPSTREAM: '[::1]:50052' }, { upstream: '[::1]:50052' }],
    [{ RELAY_UPSTREAM: 'dns:///origin:50052' }, { upstream: 'dns:///origin:50052' }],
    [{ RELAY_UPSTREAM: 'ipv4:10.0.0.1:50052,10.0.0.2:50052' }, { upstream: 'ipv4:10.0.0.1:50052,10.0.0.2:50052' }],
    [
      { RELAY_HTTP_PORT: '0', RELAY_GRPC_PORT: '0' },
      { httpPort: 0, grpcPort: 0 },
    ],
    [
      { RELAY_WINDOW_SEGMENTS: '10', RELAY_ENDED_LINGER_MS: '0' },
      { windowSegments: 10, endedLingerMs: 0 },
    ],
    [
      { RELAY_UPSTREAM_POLL_MS: '250', RELAY_LOG_LEVEL: 'debug' },
      { upstreamPollMs: 250, logLevel: 'debug' },
    ],
    [
      { RELAY_NATS_URL: 'nats://nats-0:4222,nats://nats-1:4222' },
      { natsUrl: 'nats://nats-0:4222,nats://nats-1:4222', follow: 'all' },
    ],
    [
      { RELAY_FOLLOW: 'on-demand', RELAY_IDLE_MS: '5000', RELAY_FIRST_REQUEST_WAIT_MS: '0' },
      { follow: 'on-demand', idleMs: 5000, firstRequestWaitMs: 0 },
    ],
    [
      {
        RELAY_WATCH_DANMAKU_URL: 'https://live.example.com:8444/',
        RELAY_WATCH_CHAT_URL: 'https://live.example.com:8445',
        RELAY_WATCH_SIGNIN_URL: 'https://platform.example/onair/token',
      },
      {
        watchDanmakuUrl: 'https://live.example.com:8444',
        watchChatUrl: 'https://live.example.com:8445',
        watchSignInUrl: 'https://platform.example/onair/token',
      },
    ],
  ];
  it.each(valid)('reads %j', (env, want) => {
    expect(loadConfig(configSpec, 'RELAY_', env).config).toMatchObject(want);
  });

  const invalid: Array<[Record<string, string>, string]> = [
    [{ RELAY_UPSTREAM: 'ingest' }, 'RELAY_UPSTREAM'],
    [{ RELAY_UPSTREAM: 'http://ingest:50051' }, 'RELAY_UPSTREAM'],
    [{ RELAY_UPSTREAM: 'ipv4:origin:50052' }, 'RELAY_UPSTREAM'],
    [{ RELAY_UPSTREAM: 'origin-a:50052,origin-b:50052' }, 'RELAY_UPSTREAM'],
    [{ RELAY_HTTP_PORT: '70000' }, 'RELAY_HTTP_PORT'],
    [{ RELAY_FOLLOW: 'some' }, 'RELAY_FOLLOW'],
    [{ RELAY_FOLLOW: 'on-demand', RELAY_NATS_URL: 'nats://nats:4222' }, 'RELAY_NATS_URL'],
    [{ RELAY_TLS_CERT_FILE: '/etc/relay.crt' }, 'RELAY_TLS_CERT_FILE'],
    [{ RELAY_TLS_KEY_FILE: '/etc/relay.key' }, 'RELAY_TLS_KEY_FILE'],
    [{ RELAY_IDLE_MS: '10' }, 'RELAY_IDLE_MS'],
    [{ RELAY_WINDOW_SEGMENTS: '0' }, 'RELAY_WINDOW_SEGMENTS'],
    [{ RELAY_UPSTREAM_POLL_MS: 'soon' }, 'RELAY_UPSTREAM_POLL_MS'],
    [{ RELAY_LOG_LEVEL: 'loud' }, 'RELAY_LOG_LEVEL'],
    [{ RELAY_WATCH_DANMAKU_URL: 'localhost:8081' }, 'RELAY_WATCH_DANMAKU_URL'],
    [{ RELAY_WATCH_CHAT_URL: 'http://chat:8082/ws' }, 'RELAY_WATCH_CHAT_URL'],
    [{ RELAY_WATCH_SIGNIN_URL: 'javascript:alert(1)' }, 'RELAY_WATCH_SIGNIN_URL'],
  ];
  it.each(invalid)('rejects %j naming %s', (env, name) => {
    expect(() => loadConfig(configSpec, 'RELAY_', env)).toThrow(ConfigError);
    expect(() => loadConfig(configSpec, 'RELAY_', env)).toThrow(name);
  });

  it('reports unknown RELAY_ variables', () => {
    expect(loadConfig(configSpec, 'RELAY_', { RELAY_UPSTREM: 'x:1' }).unknown).toEqual(['RELAY_UPSTREM']);
  });
});
