import { runService } from '@onair/runtime';
import { createApp } from './app.js';
import { configSpec } from './config.js';

await runService({ name: 'chat', configSpec, createApp });
