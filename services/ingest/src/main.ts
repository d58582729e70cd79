import { createLogger, runUntilSignal } from '@onair/runtime';
import { createApp } from './app.js';
import { loadIngestConfig } from './config.js';

let loaded: ReturnType<typeof loadIngestConfig>;
try {
  loaded = loadIngestConfig();
} catch (err) {
  createLogger({ service: 'ingest' }).fatal({ err }, 'invalid configuration');
  process.exit(1);
}
const { config, unknown } = loaded;
const log = createLogger({ service: 'ingest', level: config.logLevel });
if (unknown.length > 0) log.warn({ unknown }, 'unknown configuration variables');
await runUntilSignal(createApp(config, log), log);
