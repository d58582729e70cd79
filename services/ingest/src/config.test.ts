import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '@onair/runtime';
import { configSpec } from './config.js';

const loadIngestConfig = (env: NodeJS.ProcessEnv) => loadConfig(configSpec, 'INGEST_', env);

describe('ingest configuration', () => {
  it('has the documented defaults', () => {
    const { config, unknown } = loadIngestConfig({});
    expect(config).toMatchObject({
      host: '0.0.0.0',
      rtmpPort: 1935,
      grpcPort: 50051,
      httpPort: 9101,
      natsUrl: 'nats://127.0.0.1:4222',
      rtmpApp: 'live',
      segmentTargetMs: 2000,
      windowSegments: 1,
      ffmpegPath: 'ffmpeg',
      maxMessageBytes: 8 * 1024 * 1024,
      grpcAdvertiseAddress: '',
      logLevel: 'info',
    });
    expect(config.ladder.map((r) => r.name)).toEqual(['source', '480p']);
    expect(unknown).toEqual([]);
  });

  it('reads variables and reports unknown ones with the prefix', () => {
    const { config, unknown } = loadIngestConfig({
      INGEST_RTMP_PORT: '0',
      INGEST_LADDER: 'source',
      INGEST_RTMP_PROT: '1',
      OTHER: 'x',
    });
    expect(config.rtmpPort).toBe(0);
    expect(loadIngestConfig({ INGEST_GRPC_ADVERTISE_ADDRESS: '10.0.0.7:50051' }).config.grpcAdvertiseAddress).toBe(
      '10.0.0.7:50051',
    );
    expect(config.ladder).toEqual([{ kind: 'source', name: 'source' }]);
    expect(unknown).toEqual(['INGEST_RTMP_PROT']);
  });

  it.each([
    { env: { INGEST_RTMP_PORT: '70000' }, names: 'INGEST_RTMP_PORT' },
    { env: { INGEST_LADDER: 'source,source' }, names: 'INGEST_LADDER' },
    { env: { INGEST_RTMP_APP: 'li ve' }, names: 'INGEST_RTMP_APP' },
    { env: { INGEST_MAX_MESSAGE_BYTES: '10' }, names: 'INGEST_MAX_MESSAGE_BYTES' },
    { env: { INGEST_LOG_LEVEL: 'loud' }, names: 'INGEST_LOG_LEVEL' },
    { env: { INGEST_SEGMENT_TARGET_MS: 'soon' }, names: 'INGEST_SEGMENT_TARGET_MS' },
    { env: { INGEST_DEMO_ROOM: 'Demo' }, names: 'INGEST_DEMO_ROOM' },
    { env: { INGEST_GRPC_ADVERTISE_ADDRESS: '10.0.0.7' }, names: 'INGEST_GRPC_ADVERTISE_ADDRESS' },
    { env: { INGEST_GRPC_ADVERTISE_ADDRESS: 'dns:///ingest:50051' }, names: 'INGEST_GRPC_ADVERTISE_ADDRESS' },
    { env: { INGEST_DEMO_STREAM_KEY: `demo_${'a'.repeat(32)}` }, names: 'INGEST_DEMO_STREAM_KEY' },
    { env: { INGEST_DEMO_ROOM: 'demo', INGEST_DEMO_STREAM_KEY: 'demo_short' }, names: 'INGEST_DEMO_STREAM_KEY' },
    {
      env: { INGEST_DEMO_ROOM: 'demo', INGEST_DEMO_STREAM_KEY: `other_${'a'.repeat(32)}` },
      names: 'INGEST_DEMO_STREAM_KEY',
    },
  ])('rejects $names', ({ env, names }) => {
    expect(() => loadIngestConfig(env)).toThrow(ConfigError);
    expect(() => loadIngestConfig(env)).toThrow(names);
  });

  it('takes a demo stream key that fits the demo room, and never echoes a rejected one', () => {
    const key = `demo_${'a1'.repeat(16)}`;
    expect(loadIngestConfig({ INGEST_DEMO_ROOM: 'demo', INGEST_DEMO_STREAM_KEY: key }).config.demoStreamKey).toBe(key);
    expect(() =>
      loadIngestConfig({ INGEST_DEMO_ROOM: 'demo', INGEST_DEMO_STREAM_KEY: 'demo_secret-but-short' }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret-but-short') as string }) as Error);
  });

  it('is documented in the README: the table describeConfig renders', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(describeConfig(configSpec));
  });
});
