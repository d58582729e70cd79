import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildFfmpegCommand } from './ffmpeg-run.js';
import { ladderSchema, type TranscodedRendition } from './ladder.js';

const args = (ladder: string, tracks: { audio: boolean; video: boolean }): string =>
  buildFfmpegCommand({
    ffmpegPath: 'ffmpeg',
    ladder: ladderSchema.parse(ladder).filter((e): e is TranscodedRendition => e.kind === 'transcode'),
    input: new PassThrough(),
    outputs: ['unix:/s/0.sock', 'unix:/s/1.sock'],
    tracks,
    fragmentDurationMs: 500,
  })
    ._getArguments()
    .join(' ');

const FRAG = '-f mp4 -movflags +frag_keyframe+empty_moov+default_base_moof -frag_duration 500000 -flush_packets 1';
const x264 = (w: number, h: number, kbps: number): string =>
  `-c:v libx264 -preset veryfast -vf scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1 ` +
  `-pix_fmt yuv420p -fps_mode passthrough -force_key_frames source -sc_threshold 0 -b:v ${kbps}k -maxrate ${kbps}k -bufsize ${kbps * 2}k`;
const X264 = x264(854, 480, 1200);

describe('buildFfmpegCommand', () => {
  it.each([
    {
      name: 'the default ladder (the source stays out), audio and video',
      ladder: 'source,480p=854x480@1200k',
      tracks: { audio: true, video: true },
      want: `-map 0:v:0 -map 0:a:0 ${X264} -c:a aac -b:a 128k ${FRAG} unix:/s/0.sock`,
    },
    {
      name: 'an audio-only publish',
      ladder: 'source,480p=854x480@1200k',
      tracks: { audio: true, video: false },
      want: `-map 0:a:0 -c:a aac -b:a 128k ${FRAG} unix:/s/0.sock`,
    },
    {
      name: 'a video-only publish',
      ladder: '480p=854x480@1200k',
      tracks: { audio: false, video: true },
      want: `-map 0:v:0 ${X264} ${FRAG} unix:/s/0.sock`,
    },
    {
      name: 'two transcodes',
      ladder: 'source,480p=854x480@1200k,240p=426x240@400k',
      tracks: { audio: false, video: true },
      want: `-map 0:v:0 ${X264} ${FRAG} unix:/s/0.sock -map 0:v:0 ${x264(426, 240, 400)} ${FRAG} unix:/s/1.sock`,
    },
  ])('builds one input and one fMP4 output per rendition for $name', ({ ladder, tracks, want }) => {
    expect(args(ladder, tracks)).toBe(
      `-f flv -hide_banner -nostats -loglevel warning -analyzeduration 500000 -i pipe:0 ${want}`,
    );
  });
});
