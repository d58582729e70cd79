import { status, type ServerWritableStream } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onair, type media } from '@onair/proto';
import { createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { MediaHub, type MediaEvent } from '@onair/media';
import { createLogger } from '@onair/runtime';
import { waitFor } from '@onair/testing';
import { Upstream } from './upstream.js';

type SubscribeCall = ServerWritableStream<media.SubscribeRequest__Output, media.SubscribeResponse>;

const log = createLogger({ service: 'relay', level: 'silent' });

function opening(publishId: string): MediaEvent[] {
  return [
    {
      event: 'streamStarted',
      streamStarted: {
        room: 'demo',
        publishId,
        startedAtMs: 1,
        targetSegmentDurationMs: 1000,
        partTargetMs: 0,
        renditions: [{ name: 'source', codecs: 'avc1.64001e', bandwidth: 1000, width: 2, height: 2, frameRate: 25 }],
      },
    },
    { event: 'initSegment', initSegment: { rendition: 'source', data: Buffer.from('init') } },
  ];
}

function segment(sequence: number): MediaEvent[] {
  const part = {
    segmentSequence: sequence,
    partIndex: 0,
    durationMs: 1000,
    independent: true,
    videoFrames: 25,
    partSequence: sequence,
  };
  return [
    { event: 'part', part: { ...part, rendition: 'source', data: Buffer.from(`s${sequence}`), programDateTimeMs: 1 } },
    { event: 'segmentEnd', segmentEnd: { rendition: 'source', segmentSequence: sequence, durationMs: 1000 } },
  ];
}

/**
 * A real gRPC MediaService whose Subscribe calls follow scripts, one per call, and whose ListLiveStreams
 * lists `listed`: a hand-written upstream that can misbehave on purpose.
 */
interface ScriptedUpstream {
  server: GrpcServer;
  address: string;
  listed: Set<string>;
  scripts: Array<(call: SubscribeCall) => void>;
  subscribes: number;
}

async function startScriptedUpstream(port = 0): Promise<ScriptedUpstream> {
  const server = createGrpcServer({ log, service: 'ingest', roomStats: () => [] });
  const up: ScriptedUpstream = { server, address: '', listed: new Set(), scripts: [], subscribes: 0 };
  server.addService(onair().media.v1.MediaService.service, {
    ListLiveStreams(_call: unknown, cb: (err: null, res: media.ListLiveStreamsResponse) => void) {
      cb(null, { streams: [...up.listed].map((room) => ({ room, publishId: 'p', startedAtMs: 1 })) });
    },
    Subscribe(call: SubscribeCall) {
      up.subscribes++;
      const script = up.scripts.shift();
      if (script) script(call);
      else call.emit('error', { code: status.NOT_FOUND, details: 'not live' });
    },
  });
  up.address = `127.0.0.1:${await server.listen('127.0.0.1', port)}`;
  return up;
}

const send = (events: MediaEvent[]) => (call: SubscribeCall) => events.forEach((e) => call.write(e));

describe('Upstream', () => {
  let up: ScriptedUpstream;
  let hub: MediaHub;
  let upstream: Upstream;
  let ended: string[];

  beforeEach(async () => {
    up = await startScriptedUpstream();
    hub = new MediaHub({ windowSize: 3 });
    ended = [];
    hub.onEnded((s) => ended.push(`${s.info.publishId}:${s.ended}`));
    upstream = new Upstream({ address: up.address, pollMs: 50, hub, log, backoff: { initialMs: 10, maxMs: 50 } });
  });
  afterEach(async () => {
    await upstream.stop();
    await up.server.stop(1000);
  });

  it('follows a listed room and ends its stream once the room is no longer listed', async () => {
    up.listed.add('demo');
    up.scripts.push(send([...opening('p1'), ...segment(0), ...segment(1)]));
    upstream.start();
    await waitFor(() => hub.get('demo')?.window('source')?.segment(1), { what: 'segment 1' });
    expect(upstream.reachable).toBe(true);
    up.listed.delete('demo');
    await waitFor(() => hub.get('demo') === undefined, { what: 'stream end' });
    expect(ended).toEqual(['p1:ended upstream']);
  });

  it('is ready once every room of its first poll has started in the hub or failed to subscribe', async () => {
    up.listed.add('demo');
    up.listed.add('broken');
    let held: SubscribeCall | undefined;
    const byRoom = (call: SubscribeCall): void => {
      if (call.request.room === 'demo') held = call;
      else call.emit('error', { code: status.UNAVAILABLE, details: 'not ready' });
    };
    up.scripts.push(byRoom, byRoom);
    expect(upstream.ready).toBe(false);
    upstream.start();
    // 'broken' failed once and is re-subscribing; 'demo' has been asked for but not started yet.
    const demo = await waitFor(() => up.subscribes >= 3 && held, { what: 'both rooms asked for, one of them twice' });
    expect(upstream.reachable).toBe(true);
    expect(upstream.ready).toBe(false);
    send(opening('p1'))(demo);
    await waitFor(() => upstream.ready, { what: 'ready' });
    up.listed.clear();
    await waitFor(() => hub.get('demo') === undefined, { what: 'stream end' });
    expect(upstream.ready).toBe(true);
  });

  it('drops a call that sends an inconsistent event and re-subscribes, replacing the stream', async () => {
    up.listed.add('demo');
    const unknownRendition: MediaEvent = {
      event: 'part',
      part: {
        rendition: 'nope',
        segmentSequence: 1,
        partIndex: 0,
        data: Buffer.from('x'),
        durationMs: 1,
        independent: true,
        programDateTimeMs: 1,
        videoFrames: 1,
        partSequence: 1,
      },
    };
    up.scripts.push(send([...opening('p1'), ...segment(0), unknownRendition]));
    up.scripts.push(send([...segment(5)]));
    up.scripts.push(send([...opening('p2'), ...segment(0), ...segment(1)]));
    upstream.start();
    await waitFor(() => hub.get('demo')?.window('source')?.segment(1), { what: 'segment 1 after re-subscribing' });
    expect(up.subscribes).toBe(3);
    expect(hub.get('demo')?.info.publishId).toBe('p2');
    expect(ended).toEqual(['p1:replaced']);
  });

  it('re-subscribes at once on a replaced StreamEnded and ends with the upstream', async () => {
    up.listed.add('demo');
    const endedWith = (reason: string): MediaEvent => ({ event: 'streamEnded', streamEnded: { reason } });
    up.scripts.push((call) => {
      send([...opening('p1'), ...segment(0), endedWith('replaced')])(call);
      call.end();
    });
    up.scripts.push((call) => {
      send([...opening('p2'), ...segment(0), endedWith('publisher left')])(call);
      call.end();
    });
    // No second poll within the test: only the immediate re-subscribe can reach p2.
    await upstream.stop();
    upstream = new Upstream({ address: up.address, pollMs: 60_000, hub, log, backoff: { initialMs: 10, maxMs: 50 } });
    upstream.start();
    await waitFor(() => ended.length === 2, { what: 'both streams to end' });
    expect(ended).toEqual(['p1:replaced', 'p2:publisher left']);
    expect(hub.get('demo')).toBeUndefined();
  });

  it('keeps serving while the call breaks, then resumes from the snapshot', async () => {
    up.listed.add('demo');
    up.scripts.push((call) => {
      send([...opening('p1'), ...segment(0)])(call);
      call.emit('error', { code: status.UNAVAILABLE, details: 'going away' });
    });
    up.scripts.push(send([...opening('p1'), ...segment(0), ...segment(1)]));
    upstream.start();
    await waitFor(() => hub.get('demo')?.window('source')?.segment(1), { what: 'segment 1 after the break' });
    expect(up.subscribes).toBe(2);
    expect(ended).toEqual(['p1:replaced']);
  });

  it('keeps serving while the upstream is unreachable, and ends the stream once it is back without the room', async () => {
    up.listed.add('demo');
    up.scripts.push(send([...opening('p1'), ...segment(0), ...segment(1)]));
    upstream.start();
    await waitFor(() => hub.get('demo')?.window('source')?.segment(1), { what: 'segment 1' });
    const port = Number(up.address.split(':')[1]);
    await up.server.stop(100);
    await waitFor(() => !upstream.reachable, { what: 'the upstream to be seen unreachable' });
    expect(hub.get('demo')?.ended).toBeUndefined();
    expect(ended).toEqual([]);
    up = await startScriptedUpstream(port);
    await waitFor(() => hub.get('demo') === undefined, { what: 'the stream to end' });
    await waitFor(() => upstream.reachable, { what: 'the upstream to be seen reachable' });
    // Whichever comes first ends it: the poll no longer listing the room, or the re-subscribe's NOT_FOUND.
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatch(/^p1:(ended|not live) upstream$/);
  });
});
