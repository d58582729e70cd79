import { ConfigError, createLogger, loadConfig, runUntilSignal } from '@onair/runtime';
import { createApp } from './app.js';
import { DANMAKU_ENV_PREFIX, danmakuConfigSpec } from './config.js';

try {
  const { config, unknown } = loadConfig(danmakuConfigSpec, DANMAKU_ENV_PREFIX);
  const log = createLogger({ service: 'danmaku', level: config.logLevel });
  if (unknown.length > 0) log.warn({ unknown }, 'unknown configuration variables');
  await runUntilSignal(createApp(config, log), log);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`danmaku: ${err.message}\n`);
  process.exit(1);
}
