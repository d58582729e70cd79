import { ConfigError, createLogger, loadConfig, runUntilSignal } from '@onair/runtime';
import { createApp } from './app.js';
import { CHAT_ENV_PREFIX, chatConfigSpec } from './config.js';

try {
  const { config, unknown } = loadConfig(chatConfigSpec, CHAT_ENV_PREFIX);
  const log = createLogger({ service: 'chat', level: config.logLevel });
  if (unknown.length > 0) log.warn({ unknown }, 'unknown configuration variables');
  await runUntilSignal(createApp(config, log), log);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`chat: ${err.message}\n`);
  process.exit(1);
}
