import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Amf0EcmaArray, type Amf0Value } from './amf0.js';
import { decodeAmf0 } from './amf0-decode.js';
import { encodeAmf0 } from './amf0-encode.js';
import { ChunkReader } from './chunk-reader.js';
import { ChunkWriter } from './chunk-writer.js';
import { MESSAGE_TYPE } from './messages.js';
import { RtmpProtocolError } from './protocol-error.js';

// Property-based fuzzing of the RTMP wire codec (fast-check): whatever bytes a peer sends, the only error is the
// typed RtmpProtocolError, and what a well-behaved peer sends comes out as it went in.

/** Feeds `stream` in the given split points; returns the messages, or the error it stopped at. */
function readAll(stream: Buffer, cuts: readonly number[], maxMessageBytes = 64 * 1024) {
  const reader = new ChunkReader({ maxMessageBytes });
  const messages = [];
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  try {
    for (const to of [...points, stream.length]) {
      messages.push(...reader.push(stream.subarray(from, to)));
      from = to;
    }
  } catch (err) {
    if (!(err instanceof RtmpProtocolError)) throw err;
    return { messages, error: err };
  }
  return { messages, error: undefined };
}

const media = fc.record({
  csid: fc.integer({ min: 3, max: 400 }),
  type: fc.constantFrom(MESSAGE_TYPE.AUDIO, MESSAGE_TYPE.VIDEO, MESSAGE_TYPE.DATA_AMF0, MESSAGE_TYPE.COMMAND_AMF0),
  streamId: fc.integer({ min: 0, max: 5 }),
  timestamp: fc.oneof(fc.integer({ min: 0, max: 0xfffffe }), fc.integer({ min: 0xffffff, max: 2 ** 32 - 1 })),
  payload: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
});

describe('RTMP chunk stream fuzzing', () => {
  it('reads back what a conforming peer wrote, however the bytes are split (20,000 streams)', () => {
    fc.assert(
      fc.property(
        fc.array(media, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (msgs, cuts) => {
          const writer = new ChunkWriter();
          const stream = Buffer.concat(msgs.map((m) => writer.encode(m)));
          const { messages, error } = readAll(stream, cuts);
          expect(error).toBeUndefined();
          expect(messages.map((m) => [m.csid, m.type, m.streamId, m.timestamp, m.payload.toString('hex')])).toEqual(
            msgs.map((m) => [m.csid, m.type, m.streamId, m.timestamp, m.payload.toString('hex')]),
          );
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('throws nothing but RtmpProtocolError on corrupted, truncated or random streams (40,000 streams)', () => {
    const corrupted = fc
      .tuple(
        fc.array(media, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 6 }),
      )
      .map(([msgs, flips]) => {
        const writer = new ChunkWriter();
        const stream = Buffer.concat(msgs.map((m) => writer.encode(m)));
        for (const [at, value] of flips) stream[at % stream.length] = value;
        return stream;
      });
    const random = fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b));
    fc.assert(
      fc.property(fc.oneof(corrupted, random), fc.array(fc.nat(), { maxLength: 8 }), (stream, cuts) => {
        const { messages } = readAll(stream, cuts, 4096);
        for (const m of messages) expect(m.payload.length).toBeLessThanOrEqual(4096);
      }),
      { numRuns: 40_000 },
    );
  });
});

const amf0Value: fc.Arbitrary<Amf0Value> = fc.letrec<{ value: Amf0Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.string({ maxLength: 40 }),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('AMF0 fuzzing', () => {
  it('decodes what it encodes (20,000 values)', () => {
    fc.assert(
      fc.property(amf0Value, (value) => {
        expect(decodeAmf0(encodeAmf0(value))).toEqual([value]);
      }),
      { numRuns: 20_000 },
    );
  });

  it('throws nothing but RtmpProtocolError on any bytes (20,000 payloads)', () => {
    const mutated = fc
      .tuple(amf0Value, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }))
      .map(([value, flips]) => {
        const bytes = encodeAmf0('@setDataFrame', 'onMetaData', new Amf0EcmaArray({ v: value }));
        for (const [at, b] of flips) bytes[at % bytes.length] = b;
        return bytes;
      });
    fc.assert(
      fc.property(
        fc.oneof(
          mutated,
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
        ),
        (payload) => {
          try {
            decodeAmf0(payload);
          } catch (err) {
            if (!(err instanceof RtmpProtocolError)) throw err;
          }
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
