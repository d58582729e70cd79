import type { Logger } from '@onair/runtime';
import { randomUUID } from 'node:crypto';
import { streamKeyId, type PublishHooks } from '../../hooks/publish-hooks.js';
import type { PublishPipeline } from '../../publish/publish-sink.js';
import { splitAggregate } from '../../protocols/rtmp/aggregate.js';
import { Amf0EcmaArray, isAmf0Object, toPlainValue, type Amf0Value } from '../../protocols/rtmp/amf0.js';
import { decodeAmf0Body, parseCommand, resultMessage, type RtmpCommand } from '../../protocols/rtmp/commands.js';
import { MESSAGE_TYPE, type RtmpMessage } from '../../protocols/rtmp/messages.js';
import { RtmpProtocolError } from '../../protocols/rtmp/protocol-error.js';
import {
  callFailed,
  connectAccepted,
  connectRejected,
  onFCPublish,
  playFailed,
  publishRefused,
  publishStarted,
  unpublished,
} from '../../protocols/rtmp/replies.js';
import type { PublishGate, RefusalReason } from './publish-gate.js';
import type { HeldPublish, PublishHandover, PublishOwner, PublishPolicy } from './publish-handover.js';
import type { RtmpMetrics } from './rtmp-metrics.js';

/** Message streams one connection may create (createStream); publishers use one. */
const MAX_STREAMS = 8;

/** How a session talks back: the connection writes and closes. */
export interface SessionIo {
  send(msg: RtmpMessage): void;
  /** Closes the connection (which then calls {@link RtmpSession.close}). */
  close(reason: string): void;
}

/** Options of {@link RtmpSession}. */
export interface SessionOptions {
  /** Application name publishers must connect to, e.g. "live". */
  app: string;
  gate: PublishGate;
  pipeline: PublishPipeline;
  handover: PublishHandover;
  policy: PublishPolicy;
  hooks: PublishHooks;
  /** The peer, "<ip>:<port>", for the on_publish hook. */
  remoteAddress: string;
  metrics: RtmpMetrics;
  log: Logger;
  io: SessionIo;
}

interface ActivePublish extends HeldPublish {
  readonly streamId: number;
  readonly log: Logger;
}

/**
 * The NetConnection/NetStream state machine of one RTMP connection (RTMP spec 1.0 §7.2): connect → createStream
 * → publish → media → FCUnpublish/deleteStream. Commands may arrive pipelined; {@link RtmpSession.handle}
 * returns a promise only while a publish is being admitted, and the connection feeds nothing else until it
 * settles, so commands are answered in order.
 */
export class RtmpSession implements PublishOwner {
  private state: 'connecting' | 'connected' | 'admitting' | 'publishing' | 'closed' = 'connecting';
  private readonly streams = new Set<number>();
  private nextStreamId = 1;
  private active: ActivePublish | undefined;
  /** The message stream of the publish being admitted. */
  private pendingStreamId = 0;
  private log: Logger;
  /** What the encoder called itself in `connect` (flashVer). */
  private encoder: string | undefined;

  constructor(private readonly options: SessionOptions) {
    this.log = options.log;
  }

  /** True once `connect` succeeded. */
  get connected(): boolean {
    return this.state !== 'connecting';
  }

  /** The room being published, while live. */
  get room(): string | undefined {
    return this.active?.lease.room;
  }

  /**
   * Handles a command, data, media or aggregate message (RTMP spec 1.0 §7.1).
   * @throws RtmpProtocolError when the peer breaks the protocol (the connection closes).
   */
  handle(msg: RtmpMessage): Promise<void> | undefined {
    switch (msg.type) {
      case MESSAGE_TYPE.COMMAND_AMF0:
      case MESSAGE_TYPE.COMMAND_AMF3:
        return this.command(msg, parseCommand(msg));
      case MESSAGE_TYPE.AGGREGATE:
        for (const sub of splitAggregate(msg)) this.media(sub);
        return undefined;
      default:
        this.media(msg);
        return undefined;
    }
  }

  /** Audio, video and data messages of the publishing stream go to its sink; others are dropped. */
  private media(msg: RtmpMessage): void {
    switch (msg.type) {
      case MESSAGE_TYPE.AUDIO:
        if (this.active?.streamId === msg.streamId) this.active.sink.audio(msg.timestamp, msg.payload);
        return;
      case MESSAGE_TYPE.VIDEO:
        if (this.active?.streamId === msg.streamId) this.active.sink.video(msg.timestamp, msg.payload);
        return;
      case MESSAGE_TYPE.DATA_AMF0:
      case MESSAGE_TYPE.DATA_AMF3:
        this.data(msg);
        return;
      default:
        this.log.debug({ type: msg.type }, 'message ignored');
    }
  }

  /**
   * The connection is closing: refuses everything after. A publish still on it was not unpublished, so it waits for
   * its publisher to reconnect (PublishHandover's grace period) instead of ending here.
   */
  close(reason: string): void {
    this.state = 'closed';
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    this.options.metrics.liveChanged(-1);
    this.options.handover.orphan(active.lease.room, this, reason);
  }

  /** PublishOwner: the publish went to a new publisher or ended elsewhere; this connection closes. */
  release(reason: string): void {
    if (this.active) {
      this.active = undefined;
      this.options.metrics.liveChanged(-1);
      if (this.state === 'publishing') this.state = 'connected';
    }
    this.options.io.close(reason);
  }

  private command(msg: RtmpMessage, cmd: RtmpCommand): Promise<void> | undefined {
    if (this.state === 'closed') return undefined;
    if (this.state === 'connecting' && cmd.name !== 'connect')
      throw new RtmpProtocolError(`${cmd.name} before connect`);
    const { io } = this.options;
    switch (cmd.name) {
      case 'connect':
        this.connect(cmd);
        return undefined;
      case 'releaseStream':
        if (cmd.transactionId > 0) io.send(resultMessage(cmd.transactionId, null));
        return undefined;
      case 'FCPublish':
        io.send(onFCPublish());
        return undefined;
      case 'createStream':
        this.createStream(cmd);
        return undefined;
      case 'publish':
        return this.publish(msg.streamId, cmd);
      case 'FCUnpublish':
      case 'closeStream':
        return this.unpublish(this.active?.streamId, cmd.name);
      case 'deleteStream': {
        const streamId = typeof cmd.args[0] === 'number' ? cmd.args[0] : msg.streamId;
        this.streams.delete(streamId);
        return this.unpublish(streamId, cmd.name);
      }
      case 'play':
      case 'play2':
        io.send(playFailed(msg.streamId));
        io.close('play requested');
        return undefined;
      default:
        this.log.debug({ command: cmd.name, transactionId: cmd.transactionId }, 'command ignored');
        if (cmd.transactionId > 0) io.send(callFailed(cmd.transactionId, `unknown command ${cmd.name}`));
        return undefined;
    }
  }

  private connect(cmd: RtmpCommand): void {
    if (this.state !== 'connecting') throw new RtmpProtocolError('connect sent twice');
    const props = isAmf0Object(cmd.commandObject) ? cmd.commandObject : {};
    const app = typeof props.app === 'string' ? props.app.split('?')[0]?.replace(/\/+$/, '') : undefined;
    const { io } = this.options;
    this.log.debug({ app, flashVer: str(props.flashVer), tcUrl: str(props.tcUrl) }, 'connect');
    if (app !== this.options.app) {
      io.send(connectRejected(cmd.transactionId, app ?? ''));
      io.close('unknown application');
      return;
    }
    this.state = 'connected';
    this.encoder = str(props.flashVer);
    const enhanced = ['fourCcList', 'videoFourCcInfoMap', 'audioFourCcInfoMap', 'capsEx'].some((k) => k in props);
    for (const reply of connectAccepted(cmd.transactionId, enhanced)) io.send(reply);
  }

  private createStream(cmd: RtmpCommand): void {
    const { io } = this.options;
    if (this.streams.size >= MAX_STREAMS) {
      io.send(callFailed(cmd.transactionId, 'too many streams'));
      return;
    }
    const streamId = this.nextStreamId++;
    this.streams.add(streamId);
    io.send(resultMessage(cmd.transactionId, null, streamId));
  }

  private async publish(streamId: number, cmd: RtmpCommand): Promise<void> {
    if (this.state !== 'connected') throw new RtmpProtocolError(`publish while ${this.state}`);
    if (!this.streams.has(streamId))
      throw new RtmpProtocolError(`publish on stream ${streamId}, which was not created`);
    const name = cmd.args[0];
    const streamKey = typeof name === 'string' ? (name.split('?')[0] ?? '') : '';
    const { io, metrics } = this.options;
    this.state = 'admitting';
    this.pendingStreamId = streamId;
    let held: HeldPublish | 'refused' | undefined;
    try {
      held = await this.admit(streamKey);
    } catch (err) {
      this.log.error({ err }, 'publish admission failed');
      metrics.publish('error');
      io.send(publishRefused(streamId, 'internal error'));
      io.close('admission failed');
      return;
    }
    if (held === undefined || held === 'refused') return;
    const log = this.log.child({ room: held.lease.room });
    this.log = log;
    metrics.publish('accepted');
    this.active = { ...held, streamId, log };
    this.state = 'publishing';
    metrics.liveChanged(1);
    for (const reply of publishStarted(streamId, held.lease.room)) io.send(reply);
    log.info({ publishId: held.lease.publishId, encoder: this.encoder }, 'publish started');
  }

  /**
   * Checks the key and asks the on_publish hook, then continues the room's publish on this instance (a reconnect,
   * or policy `replace`) or opens a new one under the room's live lock. A refusal is answered
   * (NetStream.Publish.BadName) and closes the connection; then the result is "refused". Undefined when the
   * session closed meanwhile.
   * @throws when the room store or NATS cannot be reached, or the pipeline cannot open the publish.
   */
  private async admit(streamKey: string): Promise<HeldPublish | 'refused' | undefined> {
    const { gate, handover, policy, hooks } = this.options;
    const check = await gate.verify(streamKey);
    if (this.state !== 'admitting') return undefined;
    if (!check.ok) return this.refuse(check.reason, check.description);
    const { room } = check;
    const current = handover.current(room);
    if (current?.connected && policy === 'reject')
      return this.refuse('room_live', `room ${room} is already live`, room);
    const publishId = current?.publishId ?? randomUUID();
    const verdict = await hooks.onPublish({
      room,
      publishId,
      app: this.options.app,
      remoteAddress: this.options.remoteAddress,
      encoder: this.encoder,
      streamKeyId: streamKeyId(streamKey),
    });
    if (this.state !== 'admitting') return undefined;
    if (!verdict.ok) {
      this.log.info({ room, why: verdict.why }, 'on_publish hook refused the publish');
      return this.refuse('hook_refused', 'publish refused', room);
    }
    const continued = await handover.continueFor(room, this);
    if (continued === 'refused') return this.refuse('room_live', `room ${room} is already live`, room);
    if (continued && this.state !== 'admitting') {
      handover.orphan(room, this, 'connection closed while admitted');
      return undefined;
    }
    if (continued) return continued;
    const lease = await gate.acquire(room, publishId, this.log.child({ room }), policy === 'replace');
    if (this.state !== 'admitting') {
      await lease?.release();
      return undefined;
    }
    if (!lease) return this.refuse('room_live', `room ${room} is already live`, room);
    let sink;
    try {
      sink = this.options.pipeline.open(
        { room, publishId: lease.publishId, startedAtMs: lease.startedAtMs },
        (reason) => handover.dropped(room, reason),
      );
    } catch (err) {
      await lease.release();
      throw err;
    }
    const held = { lease, sink };
    handover.add(held, this);
    return held;
  }

  /** Answers NetStream.Publish.BadName and closes; the log line names the room when the key resolved to one. */
  private refuse(reason: RefusalReason, description: string, room?: string): 'refused' {
    const { io, metrics } = this.options;
    const streamId = this.pendingStreamId;
    metrics.publish(reason);
    this.log.info({ reason, room }, 'publish refused');
    io.send(publishRefused(streamId, description));
    this.state = 'connected';
    io.close(reason);
    return 'refused';
  }

  private async unpublish(streamId: number | undefined, command: string): Promise<void> {
    const active = this.active;
    if (!active || active.streamId !== streamId) return;
    this.active = undefined;
    this.options.metrics.liveChanged(-1);
    this.options.io.send(unpublished(active.streamId, command));
    await this.options.handover.end(active.lease.room, this, command);
    if (this.state === 'publishing') this.state = 'connected';
  }

  private data(msg: RtmpMessage): void {
    const active = this.active;
    if (active?.streamId !== msg.streamId) return;
    const values = decodeAmf0Body(msg);
    const [first, second, third] = values;
    const meta: Amf0Value =
      first === '@setDataFrame' && second === 'onMetaData' ? third : first === 'onMetaData' ? second : undefined;
    if (meta instanceof Amf0EcmaArray || (meta !== undefined && isAmf0Object(meta))) {
      active.sink.metadata(toPlainValue(meta) as Record<string, unknown>);
      return;
    }
    this.log.debug({ name: typeof first === 'string' ? first : undefined }, 'data message ignored');
  }
}

function str(v: Amf0Value): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
