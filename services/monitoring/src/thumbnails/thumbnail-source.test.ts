import { describe, expect, it } from 'vitest';
import { attribute, pickThumbnailSource } from './thumbnail-source.js';

const LIVE = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:2
#EXT-X-PART-INF:PART-TARGET=0.500
#EXT-X-MEDIA-SEQUENCE:10
#EXT-X-MAP:URI="init-aaaaaaaaaaaaaaaa.mp4"
#EXTINF:2.000,
seg-10.m4s
#EXT-X-PART:DURATION=0.500,URI="part-44.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.500,URI="part-45.m4s"
#EXTINF:1.000,
seg-11.m4s
#EXT-X-DISCONTINUITY
#EXT-X-MAP:URI="init-bbbbbbbbbbbbbbbb.mp4"
#EXT-X-PART:DURATION=0.500,URI="part-46.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.500,URI="part-47.m4s"
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-48.m4s"
`;

describe('pickThumbnailSource', () => {
  it.each([
    [
      'the latest independent part, with the map in effect there',
      LIVE,
      { initUri: 'init-bbbbbbbbbbbbbbbb.mp4', mediaUri: 'part-46.m4s', part: true },
    ],
    [
      'the latest independent part even when a segment follows it',
      LIVE.slice(0, LIVE.indexOf('#EXT-X-DISCONTINUITY')),
      { initUri: 'init-aaaaaaaaaaaaaaaa.mp4', mediaUri: 'part-44.m4s', part: true },
    ],
    [
      'the latest segment when no part is independent',
      LIVE.replaceAll(',INDEPENDENT=YES', ''),
      { initUri: 'init-aaaaaaaaaaaaaaaa.mp4', mediaUri: 'seg-11.m4s', part: false },
    ],
    [
      'the latest segment of a playlist without parts, CRLF line ends',
      '#EXTM3U\r\n#EXT-X-MAP:URI="init.mp4"\r\n#EXTINF:2,\r\nseg-1.m4s\r\n#EXTINF:2,\r\nseg-2.m4s\r\n#EXT-X-ENDLIST\r\n',
      { initUri: 'init.mp4', mediaUri: 'seg-2.m4s', part: false },
    ],
    ['nothing from an empty playlist', '#EXTM3U\n#EXT-X-TARGETDURATION:2\n', undefined],
    ['nothing from a playlist without EXT-X-MAP (MPEG-TS)', '#EXTM3U\n#EXTINF:2,\nseg-1.ts\n', undefined],
    [
      'nothing from a playlist that only hints the next part',
      '#EXTM3U\n#EXT-X-MAP:URI="i.mp4"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-1.m4s"\n',
      undefined,
    ],
  ])('picks %s', (_what, playlist, expected) => {
    expect(pickThumbnailSource(playlist)).toEqual(expected);
  });
});

describe('attribute', () => {
  it.each([
    ['URI="a,b.mp4",BYTERANGE="1@0"', 'URI', 'a,b.mp4'],
    ['DURATION=0.5,URI="p.m4s",INDEPENDENT=YES', 'INDEPENDENT', 'YES'],
    ['DURATION=0.5,URI="p.m4s"', 'INDEPENDENT', undefined],
    ['XURI="x",URI="y"', 'URI', 'y'],
  ])('reads %s %s', (list, name, expected) => {
    expect(attribute(list, name)).toBe(expected);
  });
});
