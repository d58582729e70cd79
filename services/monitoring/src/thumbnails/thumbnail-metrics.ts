import { Counter, Histogram, type Registry } from 'prom-client';

/** What the thumbnailer counts. */
export interface ThumbnailMetrics {
  /** A thumbnail was made; ffmpeg ran `ffmpegMs`, ms. */
  made(ffmpegMs: number): void;
  /** An attempt failed; `ffmpegMs` when ffmpeg ran (and failed), ms. */
  failed(ffmpegMs: number | undefined): void;
}

/**
 * Registers `onair_thumbnails_made_total`, `onair_thumbnails_failed_total` and the histogram
 * `onair_thumbnail_ffmpeg_seconds` (how long each ffmpeg decode ran, made or failed) on `registry`.
 */
export function createThumbnailMetrics(registry: Registry): ThumbnailMetrics {
  const made = new Counter({
    name: 'onair_thumbnails_made_total',
    help: 'Thumbnails (JPEG of a recent keyframe) made of live rooms.',
    registers: [registry],
  });
  const failed = new Counter({
    name: 'onair_thumbnails_failed_total',
    help: 'Thumbnail attempts that failed: the relay had no media to give, or ffmpeg failed.',
    registers: [registry],
  });
  const ffmpeg = new Histogram({
    name: 'onair_thumbnail_ffmpeg_seconds',
    help: 'How long one ffmpeg decode of a thumbnail ran, seconds.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  return {
    made(ffmpegMs) {
      made.inc();
      ffmpeg.observe(ffmpegMs / 1000);
    },
    failed(ffmpegMs) {
      failed.inc();
      if (ffmpegMs !== undefined) ffmpeg.observe(ffmpegMs / 1000);
    },
  };
}
