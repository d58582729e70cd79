import { describe, expect, it } from 'vitest';
import { splitAggregate } from './aggregate.js';
import { MESSAGE_TYPE, type RtmpMessage } from './messages.js';
import { RtmpProtocolError } from './protocol-error.js';

/** One FLV tag as a sub-message: header, body, back pointer (size + 11). */
function tag(type: number, timestamp: number, body: Buffer, streamId = 0): Buffer {
  const h = Buffer.alloc(11);
  h[0] = type;
  h.writeUIntBE(body.length, 1, 3);
  h.writeUIntBE(timestamp & 0xffffff, 4, 3);
  h[7] = (timestamp >>> 24) & 0xff;
  h.writeUIntBE(streamId, 8, 3);
  const back = Buffer.alloc(4);
  back.writeUInt32BE(body.length + 11);
  return Buffer.concat([h, body, back]);
}

const aggregate = (timestamp: number, payload: Buffer): RtmpMessage => ({
  csid: 6,
  type: MESSAGE_TYPE.AGGREGATE,
  streamId: 1,
  timestamp,
  payload,
});

describe('splitAggregate (RTMP spec 1.0 §7.1.6)', () => {
  it.each([
    {
      name: 'rebases timestamps on the aggregate timestamp',
      msg: aggregate(
        5000,
        Buffer.concat([
          tag(9, 100, Buffer.of(0x17, 1)),
          tag(8, 120, Buffer.of(0xaf, 1, 2)),
          tag(9, 140, Buffer.of(0x27)),
        ]),
      ),
      expected: [
        [9, 5000, '1701'],
        [8, 5020, 'af0102'],
        [9, 5040, '27'],
      ],
    },
    {
      name: 'reads the extended timestamp byte and uses the aggregate stream id',
      msg: aggregate(0, Buffer.concat([tag(9, 0x01000000, Buffer.of(1), 7), tag(9, 0x01000028, Buffer.of(2), 7)])),
      expected: [
        [9, 0, '01'],
        [9, 40, '02'],
      ],
    },
    { name: 'empty aggregate', msg: aggregate(0, Buffer.alloc(0)), expected: [] },
  ])('$name', ({ msg, expected }) => {
    const subs = splitAggregate(msg);
    expect(subs.map((m) => [m.type, m.timestamp, m.payload.toString('hex')])).toEqual(expected);
    expect(subs.every((m) => m.streamId === 1)).toBe(true);
  });

  it.each([
    { name: 'a truncated header', payload: Buffer.alloc(5) },
    { name: 'a body past the end', payload: tag(9, 0, Buffer.alloc(10)).subarray(0, 18) },
  ])('rejects $name', ({ payload }) => {
    expect(() => splitAggregate(aggregate(0, payload))).toThrow(RtmpProtocolError);
  });
});
