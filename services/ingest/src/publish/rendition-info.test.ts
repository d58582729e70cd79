import { describe, expect, it } from 'vitest';
import type { InitInfo, TrackInfo } from '../fmp4/init-segment.js';
import type { LadderEntry } from '../transcode/ladder.js';
import { describeRendition } from './rendition-info.js';

const defaults = { duration: 0, size: 0, flags: 0 };
const video: TrackInfo = {
  trackId: 1,
  handler: 'vide',
  timescale: 12800,
  width: 640,
  height: 360,
  codec: 'avc1.64001e',
  defaults,
};
const audio: TrackInfo = {
  trackId: 2,
  handler: 'soun',
  timescale: 48000,
  width: 0,
  height: 0,
  codec: 'mp4a.40.2',
  defaults,
};
const source: LadderEntry = { kind: 'source', name: 'source' };
const p480: LadderEntry = { kind: 'transcode', name: '480p', width: 854, height: 480, videoKbps: 1200, audioKbps: 128 };
const init = (...tracks: TrackInfo[]): InitInfo => ({ tracks });
// 13 frames and 65 000 bytes in 520 ms: 25 fps, 1 000 000 bit/s.
const first = { bytes: 65_000, durationMs: 520, videoFrames: 13 };

describe('describeRendition', () => {
  it.each([
    {
      name: 'source with onMetaData rates (kbit/s) and frame rate',
      entry: source,
      init: init(audio, video),
      meta: { videodatarate: 2500, audiodatarate: 160, framerate: 30 },
      want: {
        name: 'source',
        codecs: 'avc1.64001e,mp4a.40.2',
        bandwidth: 2_660_000,
        width: 640,
        height: 360,
        frameRate: 30,
      },
    },
    {
      name: 'source without metadata: rates measured on the first part',
      entry: source,
      init: init(video, audio),
      meta: undefined,
      want: {
        name: 'source',
        codecs: 'avc1.64001e,mp4a.40.2',
        bandwidth: 1_000_000,
        width: 640,
        height: 360,
        frameRate: 25,
      },
    },
    {
      name: 'source whose encoder declares the audio rate only (ffmpeg: videodatarate 0): measured',
      entry: source,
      init: init(video, audio),
      meta: { videodatarate: 0, audiodatarate: 128 },
      want: {
        name: 'source',
        codecs: 'avc1.64001e,mp4a.40.2',
        bandwidth: 1_000_000,
        width: 640,
        height: 360,
        frameRate: 25,
      },
    },
    {
      name: 'an audio-only source with a declared audio rate',
      entry: source,
      init: init(audio),
      meta: { audiodatarate: 128 },
      want: { name: 'source', codecs: 'mp4a.40.2', bandwidth: 128_000, width: 0, height: 0, frameRate: 0 },
    },
    {
      name: 'a transcode: ladder rate plus audio',
      entry: p480,
      init: init(video, audio),
      meta: { videodatarate: 2500 },
      want: {
        name: '480p',
        codecs: 'avc1.64001e,mp4a.40.2',
        bandwidth: 1_328_000,
        width: 640,
        height: 360,
        frameRate: 25,
      },
    },
    {
      name: 'an audio-only transcode',
      entry: p480,
      init: init(audio),
      meta: { framerate: 30 },
      want: { name: '480p', codecs: 'mp4a.40.2', bandwidth: 128_000, width: 0, height: 0, frameRate: 0 },
    },
  ])('$name', ({ entry, init: i, meta, want }) => {
    expect(describeRendition(entry, i, first, meta)).toEqual(want);
  });
});
