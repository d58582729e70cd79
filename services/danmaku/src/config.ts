import { z } from 'zod';
import { realtimeConfigSpec } from '@onair/realtime';
import { field, type ConfigOf, type ConfigSpec } from '@onair/runtime';

/** The danmaku service's configuration: one field per `DANMAKU_*` variable, with its default and meaning. */
export const configSpec = {
  ...realtimeConfigSpec({
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
    retentionDoc:
      'Replays of recordings read their danmaku from the stream: set it at least as long as recordings are kept.',
  }),
  playheadMaxBehindMs: field(
    z.coerce.number().int().min(0).max(600_000),
    'DANMAKU_PLAYHEAD_MAX_BEHIND_MS',
    30_000,
    "How far behind the server clock a poster's playhead (`playheadMs`, from EXT-X-PROGRAM-DATE-TIME) may be and " +
      'still place the danmaku, ms; an older one (or one over 1 s ahead) is replaced by the estimate.',
  ),
  typicalLatencyMs: field(
    z.coerce.number().int().min(0).max(600_000),
    'DANMAKU_TYPICAL_LATENCY_MS',
    3000,
    "Viewers' latency behind the live edge assumed for a danmaku without a plausible playhead, ms: its stream " +
      'time is that of the moment this long before the post.',
  ),
  importMaxBytes: field(
    z.coerce
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024),
    'DANMAKU_IMPORT_MAX_BYTES',
    8 * 1024 * 1024,
    'Largest Bilibili XML document `POST /api/rooms/<room>/danmaku.xml` imports into a recording, bytes; a larger ' +
      'body is refused (413).',
  ),
} satisfies ConfigSpec;

/** The danmaku service's validated, frozen configuration. */
export type Config = ConfigOf<typeof configSpec>;
