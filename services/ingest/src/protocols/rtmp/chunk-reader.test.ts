import { describe, expect, it } from 'vitest';
import { ChunkReader } from './chunk-reader.js';
import { basicHeader } from './chunk-writer.js';
import { MESSAGE_TYPE, type RtmpMessage } from './messages.js';
import { RtmpProtocolError } from './protocol-error.js';

const u24 = (v: number): Buffer => Buffer.from([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
const u32be = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
const u32le = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
/** Type 0 header; `ts` ≥ 0xffffff is written as an extended timestamp (RTMP spec 1.0 §5.3.1.2.1, §5.3.1.3). */
const fmt0 = (csid: number, ts: number, len: number, type: number, sid: number): Buffer =>
  Buffer.concat([
    basicHeader(0, csid),
    u24(Math.min(ts, 0xffffff)),
    u24(len),
    Buffer.of(type),
    u32le(sid),
    ts >= 0xffffff ? u32be(ts) : Buffer.alloc(0),
  ]);
const fmt1 = (csid: number, delta: number, len: number, type: number): Buffer =>
  Buffer.concat([
    basicHeader(1, csid),
    u24(Math.min(delta, 0xffffff)),
    u24(len),
    Buffer.of(type),
    delta >= 0xffffff ? u32be(delta) : Buffer.alloc(0),
  ]);
const fmt2 = (csid: number, delta: number): Buffer => Buffer.concat([basicHeader(2, csid), u24(delta)]);
const fmt3 = (csid: number, ext?: number): Buffer =>
  Buffer.concat([basicHeader(3, csid), ext === undefined ? Buffer.alloc(0) : u32be(ext)]);
const bytes = (n: number, fill: number): Buffer => Buffer.alloc(n, fill);

type Expected = Pick<RtmpMessage, 'csid' | 'type' | 'streamId' | 'timestamp'> & { payload: Buffer };
const msg = (csid: number, type: number, streamId: number, timestamp: number, payload: Buffer): Expected => ({
  csid,
  type,
  streamId,
  timestamp,
  payload,
});

const AUDIO = MESSAGE_TYPE.AUDIO;
const VIDEO = MESSAGE_TYPE.VIDEO;
const video307 = Buffer.concat([bytes(128, 1), bytes(128, 2), bytes(51, 3)]);
const big300 = bytes(300, 7);
const ext = 0x01000000;

const cases: Array<{ name: string; input: Buffer[]; expected: Expected[] }> = [
  {
    name: 'one type 0 chunk',
    input: [fmt0(3, 1000, 4, 20, 0), bytes(4, 9)],
    expected: [msg(3, 20, 0, 1000, bytes(4, 9))],
  },
  {
    name: 'spec §5.3.2.1: type 0, type 2, then type 3 chunks start messages with the same delta',
    input: [
      fmt0(3, 1000, 32, AUDIO, 12345),
      bytes(32, 1),
      fmt2(3, 20),
      bytes(32, 2),
      fmt3(3),
      bytes(32, 3),
      fmt3(3),
      bytes(32, 4),
    ],
    expected: [
      msg(3, AUDIO, 12345, 1000, bytes(32, 1)),
      msg(3, AUDIO, 12345, 1020, bytes(32, 2)),
      msg(3, AUDIO, 12345, 1040, bytes(32, 3)),
      msg(3, AUDIO, 12345, 1060, bytes(32, 4)),
    ],
  },
  {
    name: 'spec §5.3.2.2: a 307-byte message in chunks of 128 + 128 + 51',
    input: [
      fmt0(4, 1000, 307, VIDEO, 12346),
      video307.subarray(0, 128),
      fmt3(4),
      video307.subarray(128, 256),
      fmt3(4),
      video307.subarray(256),
    ],
    expected: [msg(4, VIDEO, 12346, 1000, video307)],
  },
  {
    name: 'type 1 changes length and type, adding its delta',
    input: [fmt0(5, 100, 2, AUDIO, 1), bytes(2, 1), fmt1(5, 40, 3, VIDEO), bytes(3, 2)],
    expected: [msg(5, AUDIO, 1, 100, bytes(2, 1)), msg(5, VIDEO, 1, 140, bytes(3, 2))],
  },
  {
    name: 'type 3 right after type 0 starts a message with the type 0 timestamp as delta (§5.3.1.2.4)',
    input: [fmt0(6, 500, 1, AUDIO, 1), bytes(1, 1), fmt3(6), bytes(1, 2)],
    expected: [msg(6, AUDIO, 1, 500, bytes(1, 1)), msg(6, AUDIO, 1, 1000, bytes(1, 2))],
  },
  {
    name: 'extended timestamp on type 0 and repeated on its type 3 continuation chunks',
    input: [
      fmt0(4, ext + 5, 300, VIDEO, 1),
      big300.subarray(0, 128),
      fmt3(4, ext + 5),
      big300.subarray(128, 256),
      fmt3(4, ext + 5),
      big300.subarray(256),
    ],
    expected: [msg(4, VIDEO, 1, ext + 5, big300)],
  },
  {
    name: 'type 3 starting a message after an extended type 1 delta carries the extended delta',
    input: [fmt0(7, 10, 1, AUDIO, 1), bytes(1, 1), fmt1(7, ext, 1, AUDIO), bytes(1, 2), fmt3(7, ext), bytes(1, 3)],
    expected: [
      msg(7, AUDIO, 1, 10, bytes(1, 1)),
      msg(7, AUDIO, 1, 10 + ext, bytes(1, 2)),
      msg(7, AUDIO, 1, 10 + 2 * ext, bytes(1, 3)),
    ],
  },
  {
    name: 'timestamps wrap modulo 2^32',
    input: [fmt0(3, 0xfffffff0, 1, AUDIO, 1), bytes(1, 1), fmt2(3, 0x20), bytes(1, 2)],
    expected: [msg(3, AUDIO, 1, 0xfffffff0, bytes(1, 1)), msg(3, AUDIO, 1, 0x10, bytes(1, 2))],
  },
  {
    name: 'Set Chunk Size applies to the very next chunk',
    input: [fmt0(2, 0, 4, MESSAGE_TYPE.SET_CHUNK_SIZE, 0), u32be(4096), fmt0(4, 0, 300, VIDEO, 1), big300],
    expected: [msg(2, MESSAGE_TYPE.SET_CHUNK_SIZE, 0, 0, u32be(4096)), msg(4, VIDEO, 1, 0, big300)],
  },
  {
    name: 'chunk size shrinks mid-stream between messages',
    input: [
      fmt0(2, 0, 4, MESSAGE_TYPE.SET_CHUNK_SIZE, 0),
      u32be(200),
      fmt0(4, 0, 300, VIDEO, 1),
      big300.subarray(0, 200),
      fmt3(4),
      big300.subarray(200),
      fmt0(2, 0, 4, MESSAGE_TYPE.SET_CHUNK_SIZE, 0),
      u32be(100),
      fmt1(4, 0, 300, VIDEO),
      big300.subarray(0, 100),
      fmt3(4),
      big300.subarray(100, 200),
      fmt3(4),
      big300.subarray(200),
    ],
    expected: [
      msg(2, MESSAGE_TYPE.SET_CHUNK_SIZE, 0, 0, u32be(200)),
      msg(4, VIDEO, 1, 0, big300),
      msg(2, MESSAGE_TYPE.SET_CHUNK_SIZE, 0, 0, u32be(100)),
      msg(4, VIDEO, 1, 0, big300),
    ],
  },
  {
    name: 'messages interleaved across chunk streams',
    input: [
      fmt0(4, 0, 200, VIDEO, 1),
      big300.subarray(0, 128),
      fmt0(6, 3, 2, AUDIO, 1),
      bytes(2, 5),
      fmt3(4),
      big300.subarray(128, 200),
    ],
    expected: [msg(6, AUDIO, 1, 3, bytes(2, 5)), msg(4, VIDEO, 1, 0, big300.subarray(0, 200))],
  },
  {
    name: '2-byte and 3-byte basic headers (csid 100, 1000, 65599)',
    input: [
      fmt0(100, 1, 1, AUDIO, 1),
      bytes(1, 1),
      fmt0(1000, 2, 1, AUDIO, 1),
      bytes(1, 2),
      fmt0(65599, 3, 1, AUDIO, 1),
      bytes(1, 3),
      fmt2(65599, 1),
      bytes(1, 4),
    ],
    expected: [
      msg(100, AUDIO, 1, 1, bytes(1, 1)),
      msg(1000, AUDIO, 1, 2, bytes(1, 2)),
      msg(65599, AUDIO, 1, 3, bytes(1, 3)),
      msg(65599, AUDIO, 1, 4, bytes(1, 4)),
    ],
  },
  {
    name: 'Abort drops the partial message of a chunk stream',
    input: [
      fmt0(4, 0, 200, VIDEO, 1),
      bytes(128, 1),
      fmt0(2, 0, 4, MESSAGE_TYPE.ABORT, 0),
      u32be(4),
      fmt0(4, 9, 2, VIDEO, 1),
      bytes(2, 2),
    ],
    expected: [msg(2, MESSAGE_TYPE.ABORT, 0, 0, u32be(4)), msg(4, VIDEO, 1, 9, bytes(2, 2))],
  },
  {
    name: 'zero-length message',
    input: [fmt0(3, 7, 0, 20, 0), fmt0(3, 8, 1, 20, 0), bytes(1, 1)],
    expected: [msg(3, 20, 0, 7, Buffer.alloc(0)), msg(3, 20, 0, 8, bytes(1, 1))],
  },
];

describe('ChunkReader (RTMP spec 1.0 §5.3)', () => {
  it.each(cases)('$name', ({ input, expected }) => {
    const whole = Buffer.concat(input);
    expect(new ChunkReader({ maxMessageBytes: 1 << 20 }).push(whole)).toEqual(expected);
    const reader = new ChunkReader({ maxMessageBytes: 1 << 20 });
    const byByte = [...whole].flatMap((b) => reader.push(Buffer.of(b)));
    expect(byByte).toEqual(expected);
  });

  const errors: Array<{ name: string; input: Buffer; message: RegExp; maxChunkStreams?: number }> = [
    { name: 'message over the size limit', input: fmt0(4, 0, 5000, VIDEO, 1), message: /over the limit/ },
    { name: 'type 1 on a new chunk stream', input: fmt1(4, 0, 1, VIDEO), message: /starts with a type 1/ },
    { name: 'type 3 on a new chunk stream', input: fmt3(9), message: /starts with a type 3/ },
    { name: 'chunk size 0', input: Buffer.concat([fmt0(2, 0, 4, 1, 0), u32be(0)]), message: /invalid chunk size 0/ },
    {
      name: 'chunk size over 2^31-1',
      input: Buffer.concat([fmt0(2, 0, 4, 1, 0), u32be(0x80000000)]),
      message: /invalid chunk size/,
    },
    {
      name: 'Set Chunk Size too short',
      input: Buffer.concat([fmt0(2, 0, 2, 1, 0), Buffer.of(0, 1)]),
      message: /expected 4/,
    },
    {
      name: 'new header while a message is in progress',
      input: Buffer.concat([fmt0(4, 0, 200, VIDEO, 1), bytes(128, 1), fmt0(4, 0, 10, VIDEO, 1)]),
      message: /before the message ended/,
    },
    {
      name: 'too many chunk streams',
      input: Buffer.concat([3, 4, 5].map((c) => Buffer.concat([fmt0(c, 0, 1, AUDIO, 1), bytes(1, 0)]))),
      message: /more than 2 chunk streams/,
      maxChunkStreams: 2,
    },
    {
      name: 'messages in progress over twice the limit',
      input: Buffer.concat(
        [3, 4, 5, 6, 7, 8].map((c) =>
          Buffer.concat([fmt0(c, 0, 1000, VIDEO, 1), bytes(128, 0), fmt3(c), bytes(128, 0), fmt3(c), bytes(128, 0)]),
        ),
      ),
      message: /in progress hold over/,
    },
    {
      name: 'headers announcing over twice the limit in progress, before their payload arrives',
      input: Buffer.concat([3, 4, 5].map((c) => Buffer.concat([fmt0(c, 0, 1000, VIDEO, 1), bytes(128, 0)]))),
      message: /in progress hold over/,
    },
  ];
  it.each(errors)('rejects $name', ({ input, message, maxChunkStreams }) => {
    const reader = new ChunkReader({ maxMessageBytes: 1000, maxChunkStreams });
    expect(() => reader.push(input)).toThrow(RtmpProtocolError);
    expect(() => new ChunkReader({ maxMessageBytes: 1000, maxChunkStreams }).push(input)).toThrow(message);
  });

  it('copies 1-byte chunks (Set Chunk Size 1) into one message buffer, keeping none of the pushed buffers', () => {
    const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const chunks = [...body].map((b, i) =>
      Buffer.concat([i === 0 ? fmt0(4, 0, 1000, VIDEO, 1) : fmt3(4), Buffer.of(b)]),
    );
    const reader = new ChunkReader({ maxMessageBytes: 1 << 20 });
    const setOne = Buffer.concat([fmt0(2, 0, 4, MESSAGE_TYPE.SET_CHUNK_SIZE, 0), u32be(1)]);
    expect(reader.push(setOne)).toHaveLength(1);
    const pushed = Buffer.concat(chunks.slice(0, 999));
    expect(reader.push(pushed)).toEqual([]);
    pushed.fill(0xee); // the peer's bytes are gone once push() returned: the reader must have copied them
    const [message] = reader.push(chunks[999] as Buffer);
    expect(message?.payload).toEqual(body);
  });
});
