import { realtimeConfigSpec, type RealtimeConfig } from '@onair/realtime';

/** The chat service's configuration: one field per `CHAT_*` variable, with its default and meaning. */
export const configSpec = realtimeConfigSpec({
  prefix: 'CHAT_',
  httpPort: 8082,
  grpcPort: 50054,
  maxTextLength: 500,
  ratePerSec: 3,
  rateBurst: 5,
  historySize: 50,
  historyDoc: 'Messages a joining viewer gets first (CHAT_HISTORY stream, per room); the most GetHistory returns.',
  mergeIdentical: false,
  densityPerSec: 0,
});

/** The chat service's validated, frozen configuration. */
export type Config = RealtimeConfig;
