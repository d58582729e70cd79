import { describe, expect, it } from 'vitest';
import { OnairError } from '@onair/runtime';
import {
  advancePartLimit,
  blockingVerdict,
  parseDeliveryDirectives,
  type DeliveryDirectives,
  type LiveEdge,
} from './delivery-directives.js';

describe('parseDeliveryDirectives (rfc8216bis §6.2.5)', () => {
  it.each([
    [{}, { msn: undefined, part: undefined, skip: undefined }],
    [{ _HLS_msn: '17' }, { msn: 17, part: undefined, skip: undefined }],
    [
      { _HLS_msn: '17', _HLS_part: '0' },
      { msn: 17, part: 0, skip: undefined },
    ],
    [{ _HLS_skip: 'YES' }, { msn: undefined, part: undefined, skip: 'YES' }],
    [
      { _HLS_skip: 'v2', _HLS_msn: '3' },
      { msn: 3, part: undefined, skip: 'v2' },
    ],
    [
      { _HLS_other: 'x', foo: 'bar' },
      { msn: undefined, part: undefined, skip: undefined },
    ],
  ])('%j → %j', (query, want) => {
    expect(parseDeliveryDirectives(query)).toEqual(want);
  });

  it.each([
    [{ _HLS_part: '1' }, '_HLS_part'],
    [{ _HLS_msn: '-1' }, '_HLS_msn'],
    [{ _HLS_msn: '1.5' }, '_HLS_msn'],
    [{ _HLS_msn: '1e3' }, '_HLS_msn'],
    [{ _HLS_msn: '1234567890123456' }, '_HLS_msn'],
    [{ _HLS_msn: ['1', '2'] }, '_HLS_msn'],
    [{ _HLS_msn: '1', _HLS_part: 'x' }, '_HLS_part'],
    [{ _HLS_skip: 'yes' }, '_HLS_skip'],
  ])('refuses %j naming %s (400)', (query, field) => {
    let thrown: unknown;
    try {
      parseDeliveryDirectives(query);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(OnairError);
    expect(thrown).toMatchObject({ code: 'INVALID_ARGUMENT', field });
  });
});

describe('blockingVerdict (rfc8216bis §6.2.5.2)', () => {
  // Live edge: part 2 of segment 20 is the last part, 19 the last complete segment; 4 parts a segment.
  const edge: LiveEdge = { lastPart: { msn: 20, index: 2 }, lastSegmentMsn: 19, partsPerSegment: 4 };
  const cases: Array<[string, DeliveryDirectives, string]> = [
    ['no directive', {}, 'ready'],
    ['a listed segment', { msn: 19 }, 'ready'],
    ['an old segment', { msn: 3 }, 'ready'],
    ['the segment in progress', { msn: 20 }, 'wait'],
    ['two segments ahead', { msn: 21 }, 'wait'],
    ['three segments ahead', { msn: 23 }, 'too-far'],
    ['the last part', { msn: 20, part: 2 }, 'ready'],
    ['an earlier part', { msn: 20, part: 0 }, 'ready'],
    ['a part of an earlier segment, past its last (part 0 of the next)', { msn: 19, part: 9 }, 'ready'],
    ['the next part', { msn: 20, part: 3 }, 'wait'],
    ['the first part of the next segment', { msn: 21, part: 0 }, 'wait'],
    ['the advance part limit (12 parts at 250 ms)', { msn: 20, part: 14 }, 'wait'],
    ['past the advance part limit', { msn: 20, part: 15 }, 'too-far'],
    ['two segments ahead, within the limit', { msn: 22, part: 3 }, 'wait'],
    ['two segments ahead, past the limit', { msn: 22, part: 7 }, 'too-far'],
  ];
  it.each(cases)('%s: %j → %s', (_name, d, want) => {
    expect(blockingVerdict(d, edge, 250)).toBe(want);
  });

  it('waits for the first segment of a stream that has no part yet', () => {
    const empty: LiveEdge = { lastPart: undefined, lastSegmentMsn: undefined, partsPerSegment: 4 };
    expect(blockingVerdict({ msn: 0, part: 0 }, empty, 250)).toBe('wait');
    expect(blockingVerdict({ msn: 5 }, empty, 250)).toBe('too-far');
  });

  it.each([
    [250, 12],
    [334, 8],
    [500, 6],
    [1000, 3],
    [2000, 3],
  ])('advance part limit for a part target of %i ms is %i', (ms, limit) => {
    expect(advancePartLimit(ms)).toBe(limit);
  });
});
