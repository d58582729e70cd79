import { ConfigError, createLogger, loadConfig, runUntilSignal } from '@onair/runtime';
import { createApp } from './app.js';
import { RELAY_ENV_PREFIX, relayConfigSpec } from './config.js';

try {
  const { config, unknown } = loadConfig(relayConfigSpec, RELAY_ENV_PREFIX);
  const log = createLogger({ service: 'relay', level: config.logLevel });
  if (unknown.length > 0) log.warn({ unknown }, 'unknown configuration variables');
  await runUntilSignal(createApp(config, log), log);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`relay: ${err.message}\n`);
  process.exit(1);
}
