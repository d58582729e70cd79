import type { RenditionStatus } from '../status/status-types.js';

/** A live room's publish and the rendition its thumbnails are decoded from. */
export interface ThumbnailTarget {
  readonly room: string;
  /** Start of the room's current publish, unix epoch ms: a new publish does not show the last one's thumbnail. */
  readonly publishStartedAtMs: number;
  /** Rendition name, as in the relay's `/hls/<room>/<rendition>/index.m3u8`. */
  readonly rendition: string;
}

/**
 * The rendition a room's thumbnail is decoded from: "source" (the publisher's own picture) when the ladder has it,
 * else the first rendition with a picture (width > 0).
 * @returns undefined for an audio-only room: it has no picture to make a thumbnail of.
 */
export function thumbnailRendition(renditions: readonly Pick<RenditionStatus, 'name' | 'width'>[]): string | undefined {
  const video = renditions.filter((r) => r.width > 0);
  return (video.find((r) => r.name === 'source') ?? video[0])?.name;
}
