import type { Registry } from 'prom-client';
import type { Logger } from '@onair/runtime';
import type { Config } from '../config.js';
import { fetchKeyframeMedia } from './relay-media.js';
import { renderJpeg } from './render-jpeg.js';
import { createThumbnailMetrics } from './thumbnail-metrics.js';
import type { ThumbnailTarget } from './thumbnail-rendition.js';
import { Thumbnailer } from './thumbnailer.js';

/** Thumbnail width, pixels (the height follows the aspect ratio). */
const WIDTH = 320;
/** Largest playlist, init section or media read from the relay, bytes. */
const MAX_INPUT_BYTES = 32 * 1024 * 1024;
/** Largest JPEG ffmpeg may write, bytes. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * The thumbnailer of monitoring's config: it reads the chosen rendition of each of `liveRooms()` from the relay at
 * `relayUrl` and decodes it with the ffmpeg at `ffmpegPath`, every `thumbnailMs`, each step within
 * `thumbnailTimeoutMs`. Undefined when `thumbnails` is off.
 */
export function createThumbnailer(
  config: Pick<Config, 'thumbnails' | 'relayUrl' | 'thumbnailMs' | 'thumbnailTimeoutMs' | 'ffmpegPath'>,
  registry: Registry,
  log: Logger,
  liveRooms: () => readonly ThumbnailTarget[],
): Thumbnailer | undefined {
  if (!config.thumbnails) return undefined;
  const relayUrl = new URL(config.relayUrl);
  const timeoutMs = config.thumbnailTimeoutMs;
  return new Thumbnailer({
    liveRooms,
    fetchMedia: ({ room, rendition }, signal) =>
      fetchKeyframeMedia(room, { relayUrl, rendition, timeoutMs, maxBytes: MAX_INPUT_BYTES, signal }),
    render: (mp4, signal) =>
      renderJpeg(mp4, {
        ffmpegPath: config.ffmpegPath,
        width: WIDTH,
        timeoutMs,
        maxOutputBytes: MAX_OUTPUT_BYTES,
        signal,
      }),
    everyMs: config.thumbnailMs,
    metrics: createThumbnailMetrics(registry),
    log,
  });
}
