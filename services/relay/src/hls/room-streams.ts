import type { LiveStream, MediaHub } from '@onair/media';
import { StreamPlaylists } from './stream-playlists.js';

/** How an on-demand relay is asked for a room (see OnDemandUpstream). */
export interface RoomDemand {
  /** Follows the room if needed; resolves once its stream started, or it is known not to, bounded. */
  want(room: string): Promise<void>;
  /** The room was asked for again (it is not idle). */
  touch(room: string): void;
}

/** Options of {@link RoomStreams}. */
export interface RoomStreamsOptions {
  /** How long an ended stream stays served (with EXT-X-ENDLIST), ms. */
  lingerMs: number;
  /** On an on-demand relay: asked for rooms the hub does not hold. */
  demand?: RoomDemand | undefined;
  /** Streams that end with this reason are not served after their end (an on-demand relay letting a room go). */
  noLingerReason?: string;
}

/**
 * The streams the relay serves over HLS, by room: the hub's live streams, plus each room's last ended
 * stream for `lingerMs` so players read its final window with EXT-X-ENDLIST (RFC 8216 §4.3.3.4) and finish
 * cleanly instead of failing on a sudden 404. A new stream of the room replaces its lingering one.
 */
export class RoomStreams {
  private readonly ended = new Map<string, { stream: LiveStream; timer: NodeJS.Timeout }>();
  private readonly playlistsByStream = new WeakMap<LiveStream, StreamPlaylists>();
  private readonly lingerMs: number;

  constructor(
    private readonly hub: MediaHub,
    private readonly options: RoomStreamsOptions,
  ) {
    this.lingerMs = options.lingerMs;
    hub.onEnded((stream) => this.linger(stream));
    hub.onStarted((stream) => {
      this.forget(stream.room);
      this.playlistsByStream.set(stream, new StreamPlaylists(stream));
    });
  }

  /** The playlists and held requests of a served stream. */
  playlists(stream: LiveStream): StreamPlaylists {
    let playlists = this.playlistsByStream.get(stream);
    if (!playlists) {
      playlists = new StreamPlaylists(stream);
      this.playlistsByStream.set(stream, playlists);
    }
    return playlists;
  }

  /** The stream served for `room`: live, or ended and still lingering (then `stream.ended` is set). */
  get(room: string): LiveStream | undefined {
    return this.hub.get(room) ?? this.ended.get(room)?.stream;
  }

  /**
   * The stream served for `room` now, as {@link get}, counted as the room being asked for (on an on-demand relay it
   * is then not let go as idle): what every HLS request calls first.
   */
  request(room: string): LiveStream | undefined {
    const stream = this.get(room);
    if (stream) this.options.demand?.touch(room);
    return stream;
  }

  /**
   * The stream served for `room`, as {@link get}; on an on-demand relay a room the hub does not hold live is asked
   * for first (the request waits, bounded, for its stream), and every call counts as the room being asked for.
   */
  async resolve(room: string): Promise<LiveStream | undefined> {
    const demand = this.options.demand;
    if (!demand) return this.get(room);
    if (this.hub.get(room)) demand.touch(room);
    else await demand.want(room);
    return this.get(room);
  }

  /** Every served stream: live ones, then lingering ended ones of rooms that are not live. */
  list(): LiveStream[] {
    const live = this.hub.list();
    const rooms = new Set(live.map((s) => s.room));
    return [...live, ...[...this.ended.values()].map((e) => e.stream).filter((s) => !rooms.has(s.room))];
  }

  /** Drops every lingering stream and its timer (on shutdown). */
  clear(): void {
    for (const room of [...this.ended.keys()]) this.forget(room);
  }

  private linger(stream: LiveStream): void {
    this.forget(stream.room);
    if (this.lingerMs <= 0 || this.hub.get(stream.room) || stream.ended === this.options.noLingerReason) return;
    const timer = setTimeout(() => {
      if (this.ended.get(stream.room)?.stream === stream) this.ended.delete(stream.room);
    }, this.lingerMs);
    timer.unref();
    this.ended.set(stream.room, { stream, timer });
  }

  private forget(room: string): void {
    const entry = this.ended.get(room);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.ended.delete(room);
  }
}
