import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { Logger } from '@onair/runtime';
import type { PublishPipeline } from '../../publish/publish-sink.js';
import { RtmpConn } from './conn.js';
import { listen, type Listener } from './listener.js';
import type { PublishGate } from './publish-gate.js';
import { PublishHooks } from '../../hooks/publish-hooks.js';
import { PublishHandover, type PublishPolicy } from './publish-handover.js';
import { NO_RTMP_METRICS, type RtmpMetrics } from './rtmp-metrics.js';

/** Options of {@link RtmpServer}. */
export interface RtmpServerOptions {
  host: string;
  /** TCP port; 0 for any free port. */
  port: number;
  log: Logger;
  /** Application name in the publish URL (rtmp://host/<app>/<stream key>). @default "live" */
  app?: string;
  gate: PublishGate;
  pipeline: PublishPipeline;
  metrics?: RtmpMetrics;
  /** A second publisher with a live room's key: "replace" hands it the stream, "reject" refuses it. @default "replace" */
  publishPolicy?: PublishPolicy;
  /** How long a stream whose publisher vanished waits for it to reconnect, ms; 0 ends it at once. @default 10000 */
  reconnectGraceMs?: number;
  /** on_publish / on_unpublish webhooks. @default none */
  hooks?: PublishHooks;
  /** Largest RTMP message accepted, bytes. @default 8388608 (8 MiB) */
  maxMessageBytes?: number;
  /** Time from accept to a successful `connect`, ms. @default 10000 */
  handshakeTimeoutMs?: number;
  /** A connection silent for this long is closed, ms. @default 10000 */
  idleTimeoutMs?: number;
  /** Open connections allowed; sockets accepted beyond it are destroyed at once. @default 256 */
  maxConnections?: number;
  /** Replies a peer may leave unread (socket.writableLength) before it is disconnected, bytes. @default 1048576 */
  maxUnreadBytes?: number;
}

/**
 * The RTMP ingest server (RTMP spec 1.0): owns the listener and the connection map. Past `maxConnections` open
 * connections (closing ones included) a new socket is destroyed at once. {@link RtmpServer.stop} stops accepting
 * and closes every connection, which ends their publishes.
 */
export class RtmpServer {
  private readonly conns = new Map<string, RtmpConn>();
  private listener: Listener | undefined;
  private tlsListener: Listener | undefined;
  private nextId = 1;
  /** True from the first refused socket until a connection closes: the limit warning is logged once per episode. */
  private full = false;
  private readonly log: Logger;
  private readonly handover: PublishHandover;
  private readonly hooks: PublishHooks;

  constructor(private readonly options: RtmpServerOptions) {
    this.log = options.log.child({ component: 'rtmp' });
    this.hooks =
      options.hooks ??
      new PublishHooks({
        onPublishUrl: undefined,
        onUnpublishUrl: undefined,
        secret: undefined,
        timeoutMs: 0,
        log: this.log,
      });
    this.handover = new PublishHandover({
      policy: options.publishPolicy ?? 'replace',
      graceMs: options.reconnectGraceMs ?? 10_000,
      hooks: this.hooks,
      log: options.log,
    });
  }

  /** Open connections now. */
  get connectionCount(): number {
    return this.conns.size;
  }

  /** Binds the port and starts accepting; resolves to the bound port. */
  async listen(): Promise<number> {
    this.listener = await listen({
      host: this.options.host,
      port: this.options.port,
      log: this.log,
      onSocket: (socket) => this.accept(socket),
    });
    return this.listener.port;
  }

  /**
   * Also accepts RTMPS (RTMP over TLS, what OBS and ffmpeg publish to as `rtmps://`) on `port`; the connections
   * are the same as plain ones once the TLS handshake is done.
   * @param tls PEM files of the certificate (chain) and its private key.
   * @returns the bound port.
   * @throws when a file cannot be read, the certificate or key is unusable, or the port cannot be bound.
   */
  async listenTls(port: number, tls: { certFile: string; keyFile: string }): Promise<number> {
    const [cert, key] = await Promise.all([readFile(tls.certFile), readFile(tls.keyFile)]);
    this.tlsListener = await listen({
      host: this.options.host,
      port,
      log: this.log,
      onSocket: (socket) => this.accept(socket),
      tls: { cert, key },
    });
    return this.tlsListener.port;
  }

  /**
   * Stops accepting, ends every publish (those waiting for a reconnect too), closes every connection and resolves
   * once all are closed.
   */
  async stop(): Promise<void> {
    this.log.info({ connections: this.conns.size }, 'closing');
    const closed = Promise.all([this.listener?.close(), this.tlsListener?.close()]);
    await this.handover.close();
    await Promise.all([...this.conns.values()].map((c) => c.close('server stopping')));
    await closed;
    this.log.info('closed');
  }

  /**
   * Ends publish `publishId` of `room` at once if it is on this server (an admin's EndPublish): its publisher's
   * connection is closed, no reconnect grace period is given, and its live entry is deleted before this resolves.
   * @returns false when this server holds no such publish.
   */
  endPublish(room: string, publishId: string, reason: string): Promise<boolean> {
    return this.handover.endNow(room, publishId, reason);
  }

  private accept(socket: Socket): void {
    const { options } = this;
    const maxConnections = options.maxConnections ?? 256;
    if (this.conns.size >= maxConnections) {
      socket.destroy();
      const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
      if (!this.full) this.log.warn({ maxConnections, remote }, 'connection limit reached; refusing new connections');
      else this.log.debug({ remote }, 'connection refused');
      this.full = true;
      return;
    }
    const metrics = options.metrics ?? NO_RTMP_METRICS;
    const id = `rtmp-${this.nextId++}`;
    const conn = new RtmpConn({
      socket,
      log: this.log.child({ conn: id, remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}` }),
      app: options.app ?? 'live',
      gate: options.gate,
      pipeline: options.pipeline,
      handover: this.handover,
      policy: options.publishPolicy ?? 'replace',
      hooks: this.hooks,
      metrics,
      maxMessageBytes: options.maxMessageBytes ?? 8 * 1024 * 1024,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
      maxUnreadBytes: options.maxUnreadBytes ?? 1024 * 1024,
    });
    this.conns.set(id, conn);
    metrics.connectionOpened();
    socket.once('close', () => {
      void conn.close('socket closed').then(() => {
        this.conns.delete(id);
        this.full = false;
        metrics.connectionClosed();
      });
    });
  }
}
