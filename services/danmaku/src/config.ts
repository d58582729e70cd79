import { realtimeConfigSpec, type RealtimeConfig } from '@onair/realtime';

/** The danmaku service's configuration: one field per `DANMAKU_*` variable, with its default and meaning. */
export const configSpec = realtimeConfigSpec({
  prefix: 'DANMAKU_',
  httpPort: 8081,
  grpcPort: 50053,
  maxTextLength: 100,
  ratePerSec: 5,
  rateBurst: 10,
  historySize: 200,
  historyDoc: 'Danmaku kept per room in the DANMAKU_HISTORY stream; the most ListDanmaku returns.',
  mergeIdentical: true,
  densityPerSec: 200,
});

/** The danmaku service's validated, frozen configuration. */
export type Config = RealtimeConfig;
