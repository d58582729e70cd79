import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChunkWriter } from '../../protocols/rtmp/chunk-writer.js';
import {
  MESSAGE_TYPE,
  USER_CONTROL_EVENT,
  readU32Payload,
  userControlMessage,
  windowAckSizeMessage,
} from '../../protocols/rtmp/messages.js';
import { clientCommand, clientMessage } from '../../testing/rtmp-test-client.js';
import { connectCmd, publishPipelined, startTestServer, type TestServer } from '../../testing/test-server.js';

describe('RtmpConn: protocol control, timeouts and bad input', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer({ maxUnreadBytes: 64 * 1024 });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('acknowledges each window of received bytes and answers pings', async () => {
    const client = await t.open();
    await client.handshake();
    client.send(connectCmd(), windowAckSizeMessage(5000), userControlMessage(USER_CONTROL_EVENT.PING_REQUEST, 1234));
    client.send(clientCommand(0, 'releaseStream', 0, null, 'x'.repeat(6000)));
    await client.until(() => client.received.some((m) => m.type === MESSAGE_TYPE.ACKNOWLEDGEMENT));
    const ack = client.received.find((m) => m.type === MESSAGE_TYPE.ACKNOWLEDGEMENT);
    expect(readU32Payload(ack!)).toBeGreaterThanOrEqual(5000);
    const pong = client.received.find(
      (m) => m.type === MESSAGE_TYPE.USER_CONTROL && m.payload.readUInt16BE(0) === USER_CONTROL_EVENT.PING_RESPONSE,
    );
    expect(pong?.payload.readUInt32BE(2)).toBe(1234);
  });

  const handshakeOnly = (): Buffer => Buffer.concat([Buffer.of(3), Buffer.alloc(2 * 1536)]);
  it.each([
    { name: 'garbage instead of a handshake', bytes: () => Buffer.concat([Buffer.of(0x47), randomBytes(4095)]) },
    {
      name: 'garbage after the handshake',
      bytes: () => Buffer.concat([handshakeOnly(), Buffer.of(0xc5), randomBytes(4095)]),
    },
    {
      name: 'an oversize message',
      bytes: () => Buffer.concat([handshakeOnly(), Buffer.from('03' + '000000' + '100000' + '14' + '00000000', 'hex')]),
    },
    {
      name: 'a command before connect',
      bytes: () =>
        Buffer.concat([handshakeOnly(), new ChunkWriter().encode(clientCommand(0, 'createStream', 1, null))]),
    },
  ])('closes a connection sending $name and keeps serving a live publish', async ({ bytes }) => {
    const publisher = await t.open();
    await publishPipelined(publisher, 'good-gamma');
    const bad = connect(t.port, '127.0.0.1');
    bad.on('error', () => undefined);
    bad.resume();
    const badClosed = new Promise((resolve) => bad.once('close', resolve));
    bad.write(bytes());
    await badClosed;
    publisher.send(clientMessage(MESSAGE_TYPE.VIDEO, 1, 0, Buffer.from([0x17, 1])));
    await publisher.until(() => (t.pipeline.publishes[0]?.video.length ?? 0) === 1);
    expect(t.lines.some((l) => l.msg === 'closed' && l.reason === 'protocol error' && l.level === 'warn')).toBe(true);
    expect(t.server.connectionCount).toBe(1);
  });

  it('closes a connection that does not finish the handshake in time', async () => {
    const client = await t.open();
    await client.closed;
    await client.until(() => t.lines.some((l) => l.msg === 'closed' && l.reason === 'handshake timeout'));
  });

  it.each([
    { name: 'pings', message: () => userControlMessage(USER_CONTROL_EVENT.PING_REQUEST, 7) },
    { name: 'unknown commands', message: () => clientCommand(0, 'x', 1) },
  ])('closes a peer that sends $name and never reads the replies', async ({ message }) => {
    const publisher = await t.open();
    await publishPipelined(publisher, 'good-delta');
    const peer = await handshakenSocket(t.port);
    peer.pause(); // from here on the peer reads nothing
    const closed = new Promise<void>((resolve) => peer.once('close', () => resolve()));
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    const writer = new ChunkWriter();
    const first = writer.encode(message());
    // The same message again and again behind 1-byte type 3 headers (§5.3.1.2.4), 1 MiB per write.
    const again = Buffer.concat([Buffer.of(0xc0 | first[0]!), first.subarray(12)]);
    const block = Buffer.concat(Array<Buffer>(Math.floor((1 << 20) / again.length)).fill(again));
    peer.write(Buffer.concat([writer.encode(connectCmd()), first]));
    for (let sent = 0; !isClosed && sent < 8 << 20; sent += block.length) {
      if (!peer.write(block)) await Promise.race([new Promise((r) => peer.once('drain', r)), closed]);
    }
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000))]);
    expect(isClosed).toBe(true);
    expect(t.lines.some((l) => l.msg === 'closed' && l.reason === 'peer not reading')).toBe(true);
    publisher.send(clientMessage(MESSAGE_TYPE.VIDEO, 1, 0, Buffer.from([0x17, 1])));
    await publisher.until(() => (t.pipeline.publishes[0]?.video.length ?? 0) === 1);
  });
});

/** A raw socket past the simple handshake (C0+C1 sent, S0+S1+S2 read, C2 sent). */
async function handshakenSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(Buffer.concat([Buffer.of(3), Buffer.alloc(1536)]));
  let got = 0;
  await new Promise<void>((resolve) => {
    const onData = (d: Buffer): void => {
      got += d.length;
      if (got < 1 + 2 * 1536) return;
      socket.off('data', onData);
      resolve();
    };
    socket.on('data', onData);
  });
  socket.write(Buffer.alloc(1536));
  return socket;
}
