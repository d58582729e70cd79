import { describe, expect, it } from 'vitest';
import { decodeLiveEntry, encodeLiveEntry } from './live-bucket.js';

describe('live bucket values', () => {
  it('round-trips a publish as the JSON both sides read', () => {
    const publish = { publishId: 'b2c1f0e4-0000-4000-8000-000000000001', startedAtMs: 1_700_000_000_000 };
    expect(encodeLiveEntry(publish)).toBe(
      '{"publishId":"b2c1f0e4-0000-4000-8000-000000000001","startedAtMs":1700000000000}',
    );
    expect(decodeLiveEntry(encodeLiveEntry(publish))).toEqual(publish);
  });

  it('round-trips the gRPC address of the ingest holding the publish', () => {
    const publish = { publishId: 'p', startedAtMs: 1, grpcAddress: '10.1.2.3:50051' };
    expect(encodeLiveEntry(publish)).toBe('{"publishId":"p","startedAtMs":1,"grpcAddress":"10.1.2.3:50051"}');
    expect(decodeLiveEntry(encodeLiveEntry(publish))).toEqual(publish);
    expect(decodeLiveEntry('{"publishId":"p","startedAtMs":1,"grpcAddress":"[::1]:50051"}')?.grpcAddress).toBe(
      '[::1]:50051',
    );
  });

  it('round-trips the record flag, written only when true', () => {
    const recorded = { publishId: 'p', startedAtMs: 1, record: true };
    expect(encodeLiveEntry(recorded)).toBe('{"publishId":"p","startedAtMs":1,"record":true}');
    expect(decodeLiveEntry(encodeLiveEntry(recorded))).toEqual(recorded);
    expect(encodeLiveEntry({ publishId: 'p', startedAtMs: 1, record: false })).toBe(
      '{"publishId":"p","startedAtMs":1}',
    );
  });

  it('round-trips timeline anchors, written only when there are some', () => {
    const anchors = [
      { atMs: 20_000, streamTimeMs: 14_000 },
      { atMs: 50_000, streamTimeMs: 40_000 },
    ];
    const continued = { publishId: 'p', startedAtMs: 1, anchors };
    expect(encodeLiveEntry(continued)).toBe(
      '{"publishId":"p","startedAtMs":1,"anchors":[{"atMs":20000,"streamTimeMs":14000},{"atMs":50000,"streamTimeMs":40000}]}',
    );
    expect(decodeLiveEntry(encodeLiveEntry(continued))).toEqual(continued);
    expect(encodeLiveEntry({ publishId: 'p', startedAtMs: 1, anchors: [] })).toBe('{"publishId":"p","startedAtMs":1}');
  });

  it('reads an entry without anchors, as older ingests write it, as one with none', () => {
    expect(decodeLiveEntry('{"publishId":"p","startedAtMs":1,"record":true}')?.anchors).toBeUndefined();
  });

  it.each([
    ['not json', '{'],
    ['anchors that are not an array', '{"publishId":"p","startedAtMs":1,"anchors":{}}'],
    ['an anchor without a stream time', '{"publishId":"p","startedAtMs":1,"anchors":[{"atMs":5}]}'],
    ['a fractional anchor', '{"publishId":"p","startedAtMs":1,"anchors":[{"atMs":5,"streamTimeMs":1.5}]}'],
    [
      'anchors out of order',
      '{"publishId":"p","startedAtMs":1,"anchors":[{"atMs":9,"streamTimeMs":5},{"atMs":8,"streamTimeMs":6}]}',
    ],
    [
      'a stream time going back',
      '{"publishId":"p","startedAtMs":1,"anchors":[{"atMs":8,"streamTimeMs":6},{"atMs":9,"streamTimeMs":5}]}',
    ],
    [
      'more than 16 anchors',
      JSON.stringify({
        publishId: 'p',
        startedAtMs: 1,
        anchors: Array.from({ length: 17 }, (_, i) => ({ atMs: i, streamTimeMs: i })),
      }),
    ],
    ['a record flag that is not a boolean', '{"publishId":"p","startedAtMs":1,"record":"yes"}'],
    ['no publish id', '{"startedAtMs":1}'],
    ['an empty publish id', '{"publishId":"","startedAtMs":1}'],
    ['a negative start', '{"publishId":"p","startedAtMs":-1}'],
    ['a fractional start', '{"publishId":"p","startedAtMs":1.5}'],
    ['an array', '[]'],
    ['a gRPC address without a port', '{"publishId":"p","startedAtMs":1,"grpcAddress":"ingest"}'],
    ['a gRPC address that is a URL', '{"publishId":"p","startedAtMs":1,"grpcAddress":"http://ingest:50051"}'],
  ])('reads %s as no publish', (_name, value) => {
    expect(decodeLiveEntry(value)).toBeUndefined();
  });
});
