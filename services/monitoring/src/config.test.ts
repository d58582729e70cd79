import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@onair/runtime';
import { DEFAULT_ALERT_RULES } from './alerts/alert-rules.js';
import { configSpec } from './config.js';

describe('monitoring config', () => {
  it('has the documented defaults', () => {
    const { config } = loadConfig(configSpec, 'MONITORING_', {});
    expect(config).toMatchObject({
      host: '0.0.0.0',
      httpPort: 3000,
      grpcPort: 50055,
      pollMs: 2000,
      pollTimeoutMs: 1500,
      thumbnails: true,
      relayUrl: 'http://127.0.0.1:8080',
      thumbnailMs: 10_000,
      thumbnailTimeoutMs: 5000,
      ffmpegPath: 'ffmpeg',
      logLevel: 'info',
      alertRules: DEFAULT_ALERT_RULES,
      alertWebhookUrl: '',
    });
    expect(config.targets.map((t) => t.address)).toEqual([
      '127.0.0.1:50051',
      '127.0.0.1:50052',
      '127.0.0.1:50053',
      '127.0.0.1:50054',
      '127.0.0.1:50055',
    ]);
  });

  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ MONITORING_TARGETS: 'chat=a' }, /MONITORING_TARGETS="chat=a": "chat=a": expected host:port/],
    [{ MONITORING_POLL_MS: 'often' }, /MONITORING_POLL_MS/],
    [{ MONITORING_POLL_MS: '10' }, /MONITORING_POLL_MS/],
    [{ MONITORING_POLL_TIMEOUT_MS: '-1' }, /MONITORING_POLL_TIMEOUT_MS/],
    [{ MONITORING_HTTP_PORT: '70000' }, /MONITORING_HTTP_PORT/],
    [{ MONITORING_LOG_LEVEL: 'loud' }, /MONITORING_LOG_LEVEL/],
    [{ MONITORING_ALERT_RULES: '{stream_stalled' }, /MONITORING_ALERT_RULES.*not JSON/],
    [{ MONITORING_ALERT_RULES: '{"stream_stuck":{"forMs":1}}' }, /MONITORING_ALERT_RULES/],
    [{ MONITORING_ALERT_RULES: '{"stream_stalled":{"for":1}}' }, /MONITORING_ALERT_RULES/],
    [{ MONITORING_ALERT_RULES: '{"stream_stalled":{"forMs":-1}}' }, /MONITORING_ALERT_RULES/],
    [{ MONITORING_ALERT_RULES: '{"service_down":{"severity":"page"}}' }, /MONITORING_ALERT_RULES/],
    [{ MONITORING_ALERT_WEBHOOK_URL: 'ftp://x/' }, /MONITORING_ALERT_WEBHOOK_URL/],
    [
      { MONITORING_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/hook' },
      /MONITORING_ALERT_WEBHOOK_URL: needs MONITORING_ALERT_WEBHOOK_SECRET/,
    ],
    [{ MONITORING_RELAY_URL: 'ftp://relay' }, /MONITORING_RELAY_URL/],
    [{ MONITORING_THUMBNAIL_MS: '500' }, /MONITORING_THUMBNAIL_MS/],
  ];
  it.each(cases)('rejects %o naming the variable', (env, message) => {
    expect(() => loadConfig(configSpec, 'MONITORING_', env)).toThrow(ConfigError);
    expect(() => loadConfig(configSpec, 'MONITORING_', env)).toThrow(message);
  });

  it('reads the variables and reports unknown ones with the prefix', () => {
    const { config, unknown } = loadConfig(configSpec, 'MONITORING_', {
      MONITORING_TARGETS: 'chat=a:1,chat=b:2',
      MONITORING_POLL_MS: '500',
      MONITORING_POLL_TIMEOUT_MS: '400',
      MONITORING_TARGET: 'typo',
    });
    expect(config.targets).toEqual([
      { name: 'chat', address: 'a:1' },
      { name: 'chat', address: 'b:2' },
    ]);
    expect([config.pollMs, config.pollTimeoutMs]).toEqual([500, 400]);
    expect(unknown).toEqual(['MONITORING_TARGET']);
  });

  it('merges MONITORING_ALERT_RULES over the default rules', () => {
    const { config } = loadConfig(configSpec, 'MONITORING_', {
      MONITORING_ALERT_RULES:
        '{"stream_stalled":{"threshold":3000,"forMs":0},"danmaku_rate_limited":{"enabled":false}}',
    });
    expect(config.alertRules).toEqual({
      ...DEFAULT_ALERT_RULES,
      stream_stalled: { enabled: true, threshold: 3000, forMs: 0, severity: 'critical' },
      danmaku_rate_limited: { ...DEFAULT_ALERT_RULES.danmaku_rate_limited, enabled: false },
    });
  });

  it('never echoes the webhook secret', () => {
    expect(() =>
      loadConfig(configSpec, 'MONITORING_', {
        MONITORING_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
        MONITORING_ALERT_WEBHOOK_SECRET: 'shh-secret',
        MONITORING_ALERT_RULES: '[',
      }),
    ).toThrow(/^(?![\s\S]*shh-secret)/);
  });
});
