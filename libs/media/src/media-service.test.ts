import type { ClientReadableStream } from '@grpc/grpc-js';
import { createClient, createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { onair, type media } from '@onair/proto';
import { createLogger } from '@onair/runtime';
import { waitFor } from '@onair/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Part, StreamStarted } from './events.js';
import { MediaHub } from './media-hub.js';
import { mediaServiceHandlers } from './media-service.js';

const log = createLogger({ service: 'relay', level: 'silent' });
const started: StreamStarted = {
  room: 'demo',
  publishId: 'p1',
  startedAtMs: 1_700_000_000_000,
  renditions: [
    { name: 'source', codecs: 'avc1.64001f,mp4a.40.2', bandwidth: 1_200_000, width: 640, height: 360, frameRate: 25 },
  ],
  targetSegmentDurationMs: 2000,
  partTargetMs: 0,
};
const part = (segmentSequence: number, partIndex: number): Part => ({
  rendition: 'source',
  segmentSequence,
  partIndex,
  data: Buffer.from(`s${segmentSequence}p${partIndex}`),
  durationMs: 500,
  independent: partIndex === 0,
  programDateTimeMs: started.startedAtMs + segmentSequence * 1000 + partIndex * 500,
  videoFrames: 12,
  partSequence: segmentSequence * 100 + partIndex,
});

describe('MediaService over real gRPC', () => {
  let hub: MediaHub;
  let server: GrpcServer;
  let client: InstanceType<ReturnType<typeof onair>['media']['v1']['MediaService']>;

  beforeEach(async () => {
    hub = new MediaHub({ windowSize: 2 });
    server = createGrpcServer({ log, service: 'relay', roomStats: () => [] });
    server.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(hub, log));
    const port = await server.listen('127.0.0.1', 0);
    client = createClient(onair().media.v1.MediaService, `127.0.0.1:${port}`);
  });

  afterEach(async () => {
    client.close();
    await server.stop(1000);
  });

  function collect(call: ClientReadableStream<media.SubscribeResponse__Output>): {
    events: media.SubscribeResponse__Output[];
    done: Promise<number>;
  } {
    const events: media.SubscribeResponse__Output[] = [];
    call.on('data', (e: media.SubscribeResponse__Output) => events.push(e));
    const done = new Promise<number>((resolve) => {
      call.on('end', () => resolve(0));
      call.on('error', (err: { code: number }) => resolve(err.code));
    });
    return { events, done };
  }

  it('answers NOT_FOUND for a room that is not live', async () => {
    const { done } = collect(client.Subscribe({ room: 'nobody' }));
    expect(await done).toBe(5);
  });

  it('replays the window to a late subscriber, follows live, and ends after StreamEnded', async () => {
    hub.start(started);
    hub.apply('demo', { event: 'initSegment', initSegment: { rendition: 'source', data: Buffer.from('init') } });
    for (const seq of [0, 1, 2]) {
      hub.apply('demo', { event: 'part', part: part(seq, 0) });
      hub.apply('demo', { event: 'part', part: part(seq, 1) });
      hub.apply('demo', {
        event: 'segmentEnd',
        segmentEnd: { rendition: 'source', segmentSequence: seq, durationMs: 1000 },
      });
    }
    hub.apply('demo', { event: 'part', part: part(3, 0) });

    const list = await new Promise<media.ListLiveStreamsResponse__Output>((resolve, reject) =>
      client.ListLiveStreams({}, (err, res) =>
        err || !res ? reject(err ?? new Error('empty response')) : resolve(res),
      ),
    );
    expect(list.streams).toEqual([{ room: 'demo', publishId: 'p1', startedAtMs: started.startedAtMs }]);

    const { events, done } = collect(client.Subscribe({ room: 'demo' }));
    // Window of 2: segments 1 and 2 complete, segment 3 in progress.
    await waitFor(() => events.length >= 9, { what: 'snapshot' });
    expect(events.map((e) => e.event)).toEqual([
      'streamStarted',
      'initSegment',
      'part',
      'part',
      'segmentEnd',
      'part',
      'part',
      'segmentEnd',
      'part',
    ]);
    expect(events[0]?.streamStarted?.renditions[0]?.codecs).toBe('avc1.64001f,mp4a.40.2');
    expect(events[2]?.part?.data.toString()).toBe('s1p0');
    expect(events[8]?.part?.data.toString()).toBe('s3p0');

    hub.apply('demo', { event: 'part', part: part(3, 1) });
    hub.end('demo', 'publisher left');
    expect(await done).toBe(0);
    expect(events.slice(9).map((e) => e.event)).toEqual(['part', 'streamEnded']);
    expect(events.at(-1)?.streamEnded?.reason).toBe('publisher left');
    expect(hub.get('demo')).toBeUndefined();
  });

  it('answers UNAVAILABLE to both calls until it is ready, so followers keep what they have', async () => {
    let ready = false;
    const gated = createGrpcServer({ log, service: 'relay', roomStats: () => [] });
    gated.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(hub, log, { ready: () => ready }));
    const port = await gated.listen('127.0.0.1', 0);
    const follower = createClient(onair().media.v1.MediaService, `127.0.0.1:${port}`);
    const list = (): Promise<{ code: number; rooms: string[] }> =>
      new Promise((resolve) =>
        follower.ListLiveStreams({}, (err, res) =>
          resolve({ code: err?.code ?? 0, rooms: res?.streams.map((s) => s.room) ?? [] }),
        ),
      );
    hub.start(started);
    hub.apply('demo', { event: 'initSegment', initSegment: { rendition: 'source', data: Buffer.from('init') } });

    expect(await list()).toEqual({ code: 14, rooms: [] });
    const { done } = collect(follower.Subscribe({ room: 'demo' }));
    expect(await done).toBe(14);

    ready = true;
    expect(await list()).toEqual({ code: 0, rooms: ['demo'] });
    const { events } = collect(follower.Subscribe({ room: 'demo' }));
    await waitFor(() => events.length >= 2, { what: 'the snapshot' });
    expect(events.map((e) => e.event)).toEqual(['streamStarted', 'initSegment']);
    follower.close();
    await gated.stop(1000);
  });

  it('cuts off a subscriber that stops reading once its unsent media passes the backlog bound', async () => {
    const bounded = createGrpcServer({ log, service: 'relay', roomStats: () => [] });
    bounded.addService(
      onair().media.v1.MediaService.service,
      mediaServiceHandlers(hub, log, { maxBacklogBytes: 1 << 20 }),
    );
    const port = await bounded.listen('127.0.0.1', 0);
    const slow = createClient(onair().media.v1.MediaService, `127.0.0.1:${port}`);
    hub.start(started);
    hub.apply('demo', { event: 'initSegment', initSegment: { rendition: 'source', data: Buffer.from('init') } });
    const call = slow.Subscribe({ room: 'demo' });
    const code = new Promise<number>((resolve) => call.on('status', (s: { code: number }) => resolve(s.code)));
    call.on('error', () => undefined);
    call.pause();
    const stream = hub.get('demo');
    await waitFor(() => stream?.listenerCount === 1, { what: 'the subscriber' });
    // 64 MiB offered to a peer that reads nothing: HTTP/2 flow control holds it back and the bound trips.
    for (let seq = 0; seq < 256 && stream?.listenerCount === 1; seq++) {
      hub.apply('demo', { event: 'part', part: { ...part(seq, 0), data: Buffer.alloc(256 * 1024) } });
      await new Promise((r) => setImmediate(r));
    }
    expect(stream?.listenerCount).toBe(0);
    call.resume();
    expect(await code).toBe(8);
    slow.close();
    await bounded.stop(1000);
  });
});
