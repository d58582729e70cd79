import type { Socket } from 'node:net';
import type { Logger } from '@onair/runtime';
import type { PublishPipeline } from '../../publish/publish-sink.js';
import { ChunkReader } from '../../protocols/rtmp/chunk-reader.js';
import { ChunkWriter } from '../../protocols/rtmp/chunk-writer.js';
import { C0C1_BYTES, HANDSHAKE_PACKET_BYTES, answerHandshake } from '../../protocols/rtmp/handshake.js';
import {
  MESSAGE_TYPE,
  USER_CONTROL_EVENT,
  acknowledgementMessage,
  readU32Payload,
  readUserControl,
  userControlMessage,
  type RtmpMessage,
} from '../../protocols/rtmp/messages.js';
import { RtmpProtocolError } from '../../protocols/rtmp/protocol-error.js';
import type { PublishGate } from './publish-gate.js';
import type { PublishHooks } from '../../hooks/publish-hooks.js';
import type { PublishHandover, PublishPolicy } from './publish-handover.js';
import type { RtmpMetrics } from './rtmp-metrics.js';
import { RtmpSession } from './session.js';

/** Options of {@link RtmpConn}. */
export interface RtmpConnOptions {
  socket: Socket;
  /** Logger already carrying `conn` and `remote`. */
  log: Logger;
  app: string;
  gate: PublishGate;
  pipeline: PublishPipeline;
  handover: PublishHandover;
  policy: PublishPolicy;
  hooks: PublishHooks;
  metrics: RtmpMetrics;
  /** Largest RTMP message accepted, bytes. */
  maxMessageBytes: number;
  /** Time from accept to a successful `connect`, ms. */
  handshakeTimeoutMs: number;
  /** A connection that sends nothing for this long is closed, ms. */
  idleTimeoutMs: number;
  /** Replies the peer may leave unread in the socket's write buffer before it is disconnected, bytes. */
  maxUnreadBytes: number;
}

/** Idle time before TCP keepalive probes start, ms: a publisher whose host vanished is found by the kernel too. */
const KEEPALIVE_DELAY_MS = 5000;

/** Time allowed to flush the last writes (a status before a close) before the socket is destroyed, ms. */
const FLUSH_GRACE_MS = 2000;

/**
 * One RTMP connection: handshake (RTMP spec 1.0 §5.2), chunk stream in and out (§5.3), protocol control
 * (§5.4: Window Acknowledgement Size and Acknowledgement, User Control ping), and its {@link RtmpSession}.
 * Anything malformed closes this connection only. While a publish is being admitted the socket is paused, so
 * pipelined commands are handled in order and unread bytes stay in the kernel. A peer that does not read what
 * it asks for (pings, commands) is disconnected once `maxUnreadBytes` of replies wait in user space.
 */
export class RtmpConn {
  private phase: 'c0c1' | 'c2' | 'chunks' = 'c0c1';
  private handshakeBytes: Buffer[] = [];
  private handshakeLength = 0;
  private readonly reader: ChunkReader;
  private readonly writer = new ChunkWriter();
  private readonly session: RtmpSession;
  private readonly queue: RtmpMessage[] = [];
  private busy = false;
  private bytesIn = 0;
  private ackedAt = 0;
  private ackWindow = 0;
  private closing: Promise<void> | undefined;
  /** Why the connection failed, logged with its closing line. */
  private failure: { err?: unknown; writableLength?: number } | undefined;
  private readonly handshakeTimer: NodeJS.Timeout;
  private readonly socketClosed: Promise<void>;
  private log: Logger;
  private logRoom: string | undefined;

  constructor(private readonly options: RtmpConnOptions) {
    const { socket, log, handshakeTimeoutMs, idleTimeoutMs, maxMessageBytes } = options;
    this.log = log;
    this.reader = new ChunkReader({ maxMessageBytes });
    this.session = new RtmpSession({
      app: options.app,
      gate: options.gate,
      pipeline: options.pipeline,
      handover: options.handover,
      policy: options.policy,
      hooks: options.hooks,
      remoteAddress: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
      metrics: options.metrics,
      log,
      io: { send: (msg) => this.send(msg), close: (reason) => void this.close(reason) },
    });
    this.socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.handshakeTimer = setTimeout(() => void this.close('handshake timeout'), handshakeTimeoutMs);
    socket.setTimeout(idleTimeoutMs);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
    socket.on('timeout', () => void this.close('idle timeout'));
    socket.on('data', (data: Buffer) => this.onData(data));
    socket.on('end', () => void this.close('peer closed'));
    socket.on('close', () => void this.close('socket closed'));
    socket.on('error', (err) => {
      this.log.debug({ err }, 'socket error');
      void this.close('socket error');
    });
    log.debug('opened');
  }

  /**
   * Closes the connection, handing its publish (if any) to the grace period, flushes and closes the socket;
   * idempotent. Resolves once the socket is closed.
   */
  close(reason: string): Promise<void> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
  }

  private async shutdown(reason: string): Promise<void> {
    clearTimeout(this.handshakeTimer);
    const { socket } = this.options;
    this.log.debug({ reason }, 'closing');
    if (this.unread()) socket.destroy();
    else socket.end(() => socket.destroy());
    const force = setTimeout(() => socket.destroy(), FLUSH_GRACE_MS);
    this.session.close(reason);
    await this.socketClosed;
    clearTimeout(force);
    // One line per connection, whatever went wrong on it: a flood of bad sessions cannot flood the log more.
    const fields = { reason, bytesIn: this.bytesIn, ...this.failure };
    if (this.failure?.err instanceof RtmpProtocolError || reason === 'peer not reading')
      this.log.warn(fields, 'closed');
    else if (this.failure) this.log.error(fields, 'closed');
    else this.log.info(fields, 'closed');
  }

  private send(msg: RtmpMessage): void {
    if (this.closing) return;
    this.options.socket.write(this.writer.encode(msg));
    if (this.unread()) {
      this.failure ??= { writableLength: this.options.socket.writableLength };
      void this.close('peer not reading');
    }
  }

  /** More than `maxUnreadBytes` of replies are waiting because the peer does not read them. */
  private unread(): boolean {
    return this.options.socket.writableLength > this.options.maxUnreadBytes;
  }

  private onData(data: Buffer): void {
    if (this.closing) return;
    this.bytesIn += data.length;
    this.options.metrics.bytesReceived(data.length);
    try {
      const rest = this.phase === 'chunks' ? data : this.handshake(data);
      if (rest.length > 0) for (const msg of this.reader.push(rest)) this.queue.push(msg);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.drain();
    this.acknowledge();
  }

  /** Collects C0+C1, answers S0+S1+S2, then collects C2; returns the bytes after C2 (§5.2.5). */
  private handshake(data: Buffer): Buffer {
    const need = this.phase === 'c0c1' ? C0C1_BYTES : HANDSHAKE_PACKET_BYTES;
    const take = Math.min(need - this.handshakeLength, data.length);
    this.handshakeBytes.push(data.subarray(0, take));
    this.handshakeLength += take;
    const rest = data.subarray(take);
    if (this.handshakeLength < need) return rest;
    const packet = Buffer.concat(this.handshakeBytes);
    this.handshakeBytes = [];
    this.handshakeLength = 0;
    if (this.phase === 'c0c1') {
      const answer = answerHandshake(packet, Date.now());
      this.log.debug({ kind: answer.kind }, 'handshake');
      this.options.socket.write(answer.s0s1s2);
      this.phase = 'c2';
      return rest.length > 0 ? this.handshake(rest) : rest;
    }
    this.phase = 'chunks';
    return rest;
  }

  /** Handles queued messages in order, pausing the socket while one is asynchronous. */
  private drain(): void {
    while (!this.busy && !this.closing) {
      const msg = this.queue.shift();
      if (!msg) return;
      let pending: Promise<void> | undefined;
      try {
        pending = this.handle(msg);
      } catch (err) {
        this.fail(err);
        return;
      }
      if (pending) {
        this.busy = true;
        this.options.socket.pause();
        pending.then(
          () => {
            const room = this.session.room;
            if (room !== undefined && room !== this.logRoom) this.log = this.options.log.child({ room });
            this.logRoom = room;
            this.busy = false;
            this.options.socket.resume();
            this.drain();
          },
          (err: unknown) => this.fail(err),
        );
      }
    }
  }

  private handle(msg: RtmpMessage): Promise<void> | undefined {
    switch (msg.type) {
      case MESSAGE_TYPE.SET_CHUNK_SIZE:
      case MESSAGE_TYPE.ABORT:
      case MESSAGE_TYPE.ACKNOWLEDGEMENT:
      case MESSAGE_TYPE.SET_PEER_BANDWIDTH:
        return undefined; // chunk size and abort are applied by the reader; the peer's acks and limits need nothing
      case MESSAGE_TYPE.WINDOW_ACK_SIZE:
        this.ackWindow = readU32Payload(msg);
        return undefined;
      case MESSAGE_TYPE.USER_CONTROL: {
        const { event, datum } = readUserControl(msg);
        if (event === USER_CONTROL_EVENT.PING_REQUEST)
          this.send(userControlMessage(USER_CONTROL_EVENT.PING_RESPONSE, datum));
        return undefined;
      }
      default: {
        const pending = this.session.handle(msg);
        if (this.session.connected) clearTimeout(this.handshakeTimer);
        return pending;
      }
    }
  }

  /** Sends an Acknowledgement after each window of bytes received (§5.4.3, §5.4.4). */
  private acknowledge(): void {
    if (this.ackWindow > 0 && this.bytesIn - this.ackedAt >= this.ackWindow) {
      this.ackedAt = this.bytesIn;
      this.send(acknowledgementMessage(this.bytesIn % 2 ** 32));
    }
  }

  /** Closes the connection for `err`, logged once with the closing line (a protocol error at warn, a bug at error). */
  private fail(err: unknown): void {
    this.failure ??= { err };
    void this.close(err instanceof RtmpProtocolError ? 'protocol error' : 'internal error');
  }
}
