import { describe, expect, it } from 'vitest';
import { DEFAULT_TARGETS, parseTargets } from './targets.js';

describe('parseTargets', () => {
  const valid: Array<[string, string, Array<[string, string]>]> = [
    ['one target', 'ingest=127.0.0.1:50051', [['ingest', '127.0.0.1:50051']]],
    [
      'several instances of a kind, tracked separately',
      'chat=a:1,chat=b:2',
      [
        ['chat', 'a:1'],
        ['chat', 'b:2'],
      ],
    ],
    [
      'blanks around entries',
      ' relay = relay-0.onair.svc:50052 ,  edge=10.0.0.7:50052 ',
      [
        ['relay', 'relay-0.onair.svc:50052'],
        ['edge', '10.0.0.7:50052'],
      ],
    ],
    ['bracketed IPv6', 'danmaku=[::1]:50053', [['danmaku', '[::1]:50053']]],
    ['leading zeros in the port are normalised', 'chat=localhost:08082', [['chat', 'localhost:8082']]],
    ['the highest port', 'x=h:65535', [['x', 'h:65535']]],
  ];
  it.each(valid)('accepts %s', (_case, raw, expected) => {
    expect(parseTargets(raw).map((t) => [t.name, t.address])).toEqual(expected);
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['an empty list', '', /empty entry/],
    ['a trailing comma', 'ingest=h:1,', /empty entry/],
    ['no name', 'h:1', /expected name=host:port/],
    ['an empty name', '=h:1', /name must be/],
    ['a name with spaces', 'my svc=h:1', /name must be/],
    ['no port', 'ingest=localhost', /expected host:port/],
    ['port 0', 'ingest=h:0', /port must be 1 to 65535/],
    ['port above 65535', 'ingest=h:65536', /port must be 1 to 65535/],
    ['a non-numeric port', 'ingest=h:http', /port must be 1 to 65535/],
    ['an empty host', 'ingest=:50051', /is not a host name/],
    ['a URL instead of an address', 'ingest=http://h:1', /is not a host name/],
    ['unbracketed IPv6', 'ingest=::1:50051', /is not a host name/],
    ['the same address twice', 'chat=a:1,relay=a:1', /a:1 is listed twice/],
  ];
  it.each(invalid)('rejects %s', (_case, raw, message) => {
    expect(() => parseTargets(raw)).toThrow(message);
  });

  it('reports every bad entry at once', () => {
    expect(() => parseTargets('a=h:0,b,c=h:1')).toThrow(/"a=h:0".*; "b"/);
  });

  it('parses the default list: one target per service, monitoring included', () => {
    expect(parseTargets(DEFAULT_TARGETS).map((t) => t.name)).toEqual([
      'ingest',
      'relay',
      'danmaku',
      'chat',
      'monitoring',
    ]);
  });
});
