import { createLogger, loadConfig, runUntilSignal, type LoadedConfig } from '@onair/runtime';
import { createApp } from './app.js';
import { configSpec, PREFIX } from './config.js';

let loaded: LoadedConfig<typeof configSpec>;
try {
  loaded = loadConfig(configSpec, PREFIX);
} catch (err) {
  createLogger({ service: 'monitoring' }).fatal({ err }, 'invalid configuration');
  process.exit(1);
}
const { config, unknown } = loaded;
const log = createLogger({ service: 'monitoring', level: config.logLevel });
if (unknown.length > 0) log.warn({ unknown }, 'unknown configuration variables');
await runUntilSignal(createApp(config, log), log);
