import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildFfmpegCommand } from './ffmpeg-run.js';
import { ladderSchema } from './ladder.js';

const args = (ladder: string, tracks: { audio: boolean; video: boolean }): string =>
  buildFfmpegCommand({
    ffmpegPath: 'ffmpeg',
    ladder: ladderSchema.parse(ladder),
    input: new PassThrough(),
    outputs: ['unix:/s/0.sock', 'unix:/s/1.sock'],
    tracks,
    fragmentDurationMs: 500,
  })
    ._getArguments()
    .join(' ');

const FRAG = '-f mp4 -movflags +frag_keyframe+empty_moov+default_base_moof -frag_duration 500000 -flush_packets 1';
const X264 =
  '-c:v libx264 -preset veryfast -vf scale=854:480:force_original_aspect_ratio=decrease,pad=854:480:(ow-iw)/2:(oh-ih)/2,setsar=1 ' +
  '-pix_fmt yuv420p -fps_mode passthrough -force_key_frames source -sc_threshold 0 -b:v 1200k -maxrate 1200k -bufsize 2400k';

describe('buildFfmpegCommand', () => {
  it.each([
    {
      name: 'the default ladder, audio and video',
      ladder: 'source,480p=854x480@1200k',
      tracks: { audio: true, video: true },
      want: `-map 0:v:0 -map 0:a:0 -c copy ${FRAG} unix:/s/0.sock -map 0:v:0 -map 0:a:0 ${X264} -c:a aac -b:a 128k ${FRAG} unix:/s/1.sock`,
    },
    {
      name: 'an audio-only publish',
      ladder: 'source,480p=854x480@1200k',
      tracks: { audio: true, video: false },
      want: `-map 0:a:0 -c copy ${FRAG} unix:/s/0.sock -map 0:a:0 -c:a aac -b:a 128k ${FRAG} unix:/s/1.sock`,
    },
    {
      name: 'a video-only publish',
      ladder: '480p=854x480@1200k',
      tracks: { audio: false, video: true },
      want: `-map 0:v:0 ${X264} ${FRAG} unix:/s/0.sock`,
    },
  ])('builds one input and one fMP4 output per rendition for $name', ({ ladder, tracks, want }) => {
    expect(args(ladder, tracks)).toBe(
      `-f flv -hide_banner -nostats -loglevel warning -analyzeduration 500000 -i pipe:0 ${want}`,
    );
  });
});
