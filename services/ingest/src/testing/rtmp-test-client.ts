import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Amf0Value } from '../protocols/rtmp/amf0.js';
import { ChunkReader } from '../protocols/rtmp/chunk-reader.js';
import { ChunkWriter } from '../protocols/rtmp/chunk-writer.js';
import { commandMessage, parseCommand, type RtmpCommand } from '../protocols/rtmp/commands.js';
import { HANDSHAKE_PACKET_BYTES } from '../protocols/rtmp/handshake.js';
import { MESSAGE_TYPE, type RtmpMessage } from '../protocols/rtmp/messages.js';

/**
 * A minimal RTMP client for tests: the simple handshake (as OBS speaks it), chunked writes, and every message
 * the server sends kept for assertions. Not a product client.
 */
export class RtmpTestClient {
  readonly received: RtmpMessage[] = [];
  readonly writer = new ChunkWriter();
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>;
  private readonly reader = new ChunkReader({ maxMessageBytes: 1 << 24 });
  private handshakeLeft = 1 + 2 * HANDSHAKE_PACKET_BYTES;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => this.onData(data));
  }

  /** Connects to 127.0.0.1:port and sends C0+C1 (simple handshake). Call {@link RtmpTestClient.handshake} next. */
  static open(port: number): Promise<RtmpTestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RtmpTestClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Completes the simple handshake: C0+C1, waits for S0+S1+S2, answers C2 (echo of S1). */
  async handshake(): Promise<void> {
    const c1 = randomBytes(HANDSHAKE_PACKET_BYTES);
    c1.writeUInt32BE(0, 0);
    c1.writeUInt32BE(0, 4);
    this.socket.write(Buffer.concat([Buffer.of(3), c1]));
    await this.until(() => this.handshakeLeft === 0);
    this.socket.write(Buffer.alloc(HANDSHAKE_PACKET_BYTES));
  }

  /** Chunks `messages` and writes them in one write (pipelined). */
  send(...messages: RtmpMessage[]): void {
    this.socket.write(Buffer.concat(messages.map((m) => this.writer.encode(m))));
  }

  /** Commands received so far. */
  commands(): RtmpCommand[] {
    return this.received.filter((m) => m.type === MESSAGE_TYPE.COMMAND_AMF0).map(parseCommand);
  }

  /** Waits until a received command satisfies `pred`. */
  async command(pred: (c: RtmpCommand) => boolean, timeoutMs = 5000): Promise<RtmpCommand> {
    await this.until(() => this.commands().some(pred), timeoutMs);
    return this.commands().find(pred) as RtmpCommand;
  }

  /** Waits until `cond` holds (checked after each read and every 10 ms); rejects after `timeoutMs`. */
  until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters = this.waiters.filter((w) => w !== check);
        if (err) reject(err);
        else resolve();
      };
      const check = (): void => {
        if (cond()) done();
      };
      const timer = setTimeout(() => done(new Error('timed out waiting for the server')), timeoutMs);
      const poll = setInterval(check, 10);
      this.waiters.push(check);
    });
  }

  private onData(data: Buffer): void {
    let rest = data;
    if (this.handshakeLeft > 0) {
      const n = Math.min(this.handshakeLeft, rest.length);
      this.handshakeLeft -= n;
      rest = rest.subarray(n);
    }
    if (rest.length > 0) this.received.push(...this.reader.push(rest));
    for (const w of [...this.waiters]) w();
  }
}

/** A command message from a client on chunk stream 3. */
export function clientCommand(
  streamId: number,
  name: string,
  transactionId: number,
  ...values: Amf0Value[]
): RtmpMessage {
  return { ...commandMessage(streamId, name, transactionId, ...values), csid: 3 };
}

/** A media or data message from a client. */
export function clientMessage(type: number, streamId: number, timestamp: number, payload: Buffer): RtmpMessage {
  return { csid: type === MESSAGE_TYPE.AUDIO ? 4 : 6, type, streamId, timestamp, payload };
}
