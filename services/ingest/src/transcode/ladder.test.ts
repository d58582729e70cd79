import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER, fitLadder, ladderSchema } from './ladder.js';

describe('ladderSchema', () => {
  it.each([
    {
      text: DEFAULT_LADDER,
      want: [
        { kind: 'source', name: 'source' },
        { kind: 'transcode', name: '480p', width: 854, height: 480, videoKbps: 1200, audioKbps: 128 },
      ],
    },
    { text: 'source', want: [{ kind: 'source', name: 'source' }] },
    {
      text: ' 720p=1280x720@2800k , low_1=426x240@400K ',
      want: [
        { kind: 'transcode', name: '720p', width: 1280, height: 720, videoKbps: 2800, audioKbps: 128 },
        { kind: 'transcode', name: 'low_1', width: 426, height: 240, videoKbps: 400, audioKbps: 128 },
      ],
    },
  ])('parses "$text"', ({ text, want }) => {
    expect(ladderSchema.parse(text)).toEqual(want);
  });

  it.each([
    { text: '', error: 'the ladder is empty' },
    { text: 'source,source', error: 'duplicate rendition name "source"' },
    { text: '480p=854x480@1200k,480p=640x360@800k', error: 'duplicate rendition name "480p"' },
    { text: 'source,,480p=854x480@1200k', error: 'empty entry' },
    { text: '480p', error: '"480p" is neither "source" nor <name>=<width>x<height>@<kbit/s>k' },
    { text: '480p=854x480@1200', error: 'is neither' },
    { text: '480p=854*480@1200k', error: 'is neither' },
    { text: 'source=854x480@1200k', error: 'reserved for the codec-copy rendition' },
    { text: 'my/480=854x480@1200k', error: '"my/480": a name is 1-32 letters' },
    { text: '480p=855x480@1200k', error: 'width and height must be even' },
    { text: 'huge=8000x480@1200k', error: 'size 8000x480 is outside' },
    { text: 'tiny=8x8@1200k', error: 'size 8x8 is outside' },
    { text: '480p=854x480@10k', error: 'bit rate 10k is outside' },
  ])('rejects "$text": $error', ({ text, error }) => {
    const result = ladderSchema.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('; ')).toContain(error);
  });
});

describe('fitLadder', () => {
  const ladder = ladderSchema.parse('source,1080p=1920x1080@5000k,720p=1280x720@2800k,480p=854x480@1200k');
  const names = (l: readonly { name: string }[]): string[] => l.map((e) => e.name);

  it.each([
    [2160, ['source', '1080p', '720p', '480p']],
    [720, ['source', '720p', '480p']],
    [600, ['source', '480p']],
    [360, ['source']],
    [undefined, ['source', '1080p', '720p', '480p']],
    [0, ['source', '1080p', '720p', '480p']],
  ])('keeps what does not upscale a %s-line source', (height, expected) => {
    expect(names(fitLadder(ladder, height))).toEqual(expected);
  });

  it('keeps the smallest transcode of a ladder without source that would otherwise be empty', () => {
    expect(names(fitLadder(ladderSchema.parse('720p=1280x720@2800k,360p=640x360@800k'), 240))).toEqual(['360p']);
  });
});
