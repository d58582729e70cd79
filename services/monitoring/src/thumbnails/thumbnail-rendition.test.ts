import { describe, expect, it } from 'vitest';
import { thumbnailRendition } from './thumbnail-rendition.js';

describe('thumbnailRendition', () => {
  it.each([
    [
      'source when the ladder has it',
      [
        { name: '480p', width: 854 },
        { name: 'source', width: 1280 },
      ],
      'source',
    ],
    [
      'the first with a picture without source',
      [
        { name: '720p', width: 1280 },
        { name: '480p', width: 854 },
      ],
      '720p',
    ],
    [
      'no audio-only source',
      [
        { name: 'source', width: 0 },
        { name: '480p', width: 854 },
      ],
      '480p',
    ],
    ['nothing for an audio-only room', [{ name: 'source', width: 0 }], undefined],
    ['nothing without renditions', [], undefined],
  ])('picks %s', (_what, renditions, expected) => {
    expect(thumbnailRendition(renditions)).toBe(expected);
  });
});
