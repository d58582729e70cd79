import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@onair/runtime';
import { durationMs, parseDuration, realtimeConfigSpec } from './realtime-config.js';

const spec = realtimeConfigSpec({
  prefix: 'T_',
  httpPort: 1,
  grpcPort: 2,
  maxTextLength: 100,
  ratePerSec: 5,
  rateBurst: 10,
  historySize: 50,
  historyDoc: 'doc',
});

describe('parseDuration', () => {
  it.each([
    ['1500', 1500],
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    [' 2h ', 7_200_000],
    ['', undefined],
    ['1.5h', undefined],
    ['-1s', undefined],
    ['1w', undefined],
    ['h', undefined],
  ])('%j → %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('durationMs', () => {
  it('converts a valid duration and throws on a malformed one', () => {
    expect(durationMs('7d')).toBe(604_800_000);
    expect(() => durationMs('soon')).toThrow(RangeError);
  });
});

describe('realtimeConfigSpec', () => {
  it('uses the defaults', () => {
    const { config } = loadConfig(spec, 'T_', {});
    expect(config).toMatchObject({
      httpPort: 1,
      grpcPort: 2,
      maxTextLength: 100,
      maxFrameBytes: 4096,
      retention: '7d',
    });
  });

  it('reads prefixed variables and reports unknown ones', () => {
    const { config, unknown } = loadConfig(spec, 'T_', {
      T_RETENTION: '24h',
      T_RATE_PER_SEC: '0.5',
      T_HISTORY_SIZE: '20',
      T_TYPO: '1',
    });
    expect(config).toMatchObject({ retention: '24h', ratePerSec: 0.5, historySize: 20 });
    expect(unknown).toEqual(['T_TYPO']);
  });

  it.each([
    ['T_RETENTION', 'soon'],
    ['T_RETENTION', '10ms'],
    ['T_RATE_BURST', '0'],
    ['T_MAX_FRAME_BYTES', '10'],
    ['T_HTTP_PORT', '70000'],
  ])('names %s=%s when invalid', (name, value) => {
    expect(() => loadConfig(spec, 'T_', { [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig(spec, 'T_', { [name]: value })).toThrow(name);
  });
});
