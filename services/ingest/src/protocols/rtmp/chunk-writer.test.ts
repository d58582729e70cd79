import { describe, expect, it } from 'vitest';
import { ChunkReader } from './chunk-reader.js';
import { ChunkWriter, basicHeader } from './chunk-writer.js';
import { MESSAGE_TYPE, setChunkSizeMessage, type RtmpMessage } from './messages.js';

const bytes = (n: number, fill: number): Buffer => Buffer.alloc(n, fill);
const ext = 0x01000000;
const { AUDIO, VIDEO } = MESSAGE_TYPE;

describe('basicHeader (RTMP spec 1.0 §5.3.1.1)', () => {
  it.each([
    { fmt: 0, csid: 2, hex: '02' },
    { fmt: 3, csid: 63, hex: 'ff' },
    { fmt: 1, csid: 64, hex: '4000' },
    { fmt: 0, csid: 319, hex: '00ff' },
    { fmt: 2, csid: 320, hex: '810001' },
    { fmt: 0, csid: 65599, hex: '01ffff' },
  ])('fmt $fmt csid $csid → $hex', ({ fmt, csid, hex }) => {
    expect(basicHeader(fmt, csid).toString('hex')).toBe(hex);
  });
});

describe('ChunkWriter → ChunkReader', () => {
  const cases: Array<{ name: string; chunkSize: number; message: RtmpMessage }> = [
    {
      name: 'small message, 1-byte csid',
      chunkSize: 128,
      message: { csid: 3, type: 20, streamId: 0, timestamp: 0, payload: bytes(10, 1) },
    },
    {
      name: 'multi-chunk, 2-byte csid',
      chunkSize: 128,
      message: { csid: 300, type: VIDEO, streamId: 1, timestamp: 40, payload: bytes(1000, 2) },
    },
    {
      name: '3-byte csid, extended timestamp',
      chunkSize: 128,
      message: { csid: 40000, type: VIDEO, streamId: 1, timestamp: ext + 1, payload: bytes(400, 3) },
    },
    {
      name: 'after Set Chunk Size 4096',
      chunkSize: 4096,
      message: { csid: 5, type: AUDIO, streamId: 1, timestamp: 7, payload: bytes(9000, 4) },
    },
    {
      name: 'empty payload',
      chunkSize: 128,
      message: { csid: 3, type: 20, streamId: 0, timestamp: 1, payload: Buffer.alloc(0) },
    },
  ];
  it.each(cases)('$name', ({ chunkSize, message }) => {
    const writer = new ChunkWriter();
    const reader = new ChunkReader({ maxMessageBytes: 1 << 20 });
    const wire: Buffer[] = [];
    if (chunkSize !== 128) wire.push(writer.encode(setChunkSizeMessage(chunkSize)));
    wire.push(writer.encode(message));
    expect(writer.size).toBe(chunkSize);
    const out = reader.push(Buffer.concat(wire));
    expect(out.at(-1)).toEqual(message);
    expect(reader.peerChunkSize).toBe(chunkSize);
  });
});
