import { loadConfig } from '@onair/runtime';
import { configSpec, type Config } from '../config.js';

/**
 * A relay configuration for in-process tests: the documented defaults (as with no RELAY_* variable set), bound to
 * 127.0.0.1 on ports the OS picks, with `overrides` on top.
 */
export function testRelayConfig(overrides: Partial<Config>): Config {
  const { config } = loadConfig(configSpec, 'RELAY_', {});
  return { ...config, host: '127.0.0.1', httpPort: 0, grpcPort: 0, httpsPort: 0, ...overrides };
}
