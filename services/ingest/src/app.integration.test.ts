import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair, type media, type rooms, type telemetry } from '@onair/proto';
import { call, checkHealth, createClient, createHealthClient } from '@onair/grpc-kit';
import { publishTestStream, startNats, startService, waitFor, type TestNats, type TestService } from '@onair/testing';

/** The built service (dist/main.js) end to end: rooms over gRPC, a real ffmpeg publish, MediaService, metrics. */
describe('ingest service', () => {
  let nats: TestNats;
  let ingest: TestService;
  let ports: { rtmpPort: number; grpcPort: number; httpPort: number };
  let roomsClient: rooms.RoomsServiceClient;
  let mediaClient: media.MediaServiceClient;
  let telemetryClient: telemetry.TelemetryServiceClient;

  beforeAll(async () => {
    nats = await startNats();
    ingest = await startService('ingest', {
      INGEST_NATS_URL: nats.url,
      INGEST_HOST: '127.0.0.1',
      INGEST_RTMP_PORT: '0',
      INGEST_GRPC_PORT: '0',
      INGEST_HTTP_PORT: '0',
      INGEST_LOG_LEVEL: 'debug',
    });
    ports = { rtmpPort: ingest.port('rtmpPort'), grpcPort: ingest.port('grpcPort'), httpPort: ingest.port('httpPort') };
    const address = `127.0.0.1:${ports.grpcPort}`;
    roomsClient = createClient(onair().rooms.v1.RoomsService, address);
    mediaClient = createClient(onair().media.v1.MediaService, address);
    telemetryClient = createClient(onair().telemetry.v1.TelemetryService, address);
  });

  afterAll(async () => {
    roomsClient?.close();
    mediaClient?.close();
    telemetryClient?.close();
    await ingest?.stop();
    await nats?.stop();
  });

  it('serves health and starts with every port bound', async () => {
    expect(ports.rtmpPort).toBeGreaterThan(0);
    expect(ports.httpPort).toBeGreaterThan(0);
    const health = createHealthClient(`127.0.0.1:${ports.grpcPort}`);
    expect(await checkHealth(health, 5000)).toBe('SERVING');
    health.close();
  });

  it('takes a publish from ffmpeg to a live stream with every rendition, and counts it', async () => {
    const created = await call<rooms.CreateRoomResponse__Output>((cb) =>
      roomsClient.CreateRoom({ id: 'e2e-room', title: 'E2E' }, cb),
    );
    const ffmpeg = publishTestStream({
      url: `rtmp://127.0.0.1:${ports.rtmpPort}/live/${created.streamKey}`,
      durationS: 8,
    });

    const listed = await waitFor(
      async () =>
        (await call<media.ListLiveStreamsResponse__Output>((cb) => mediaClient.ListLiveStreams({}, cb))).streams.find(
          (s) => s.room === 'e2e-room',
        ),
      { what: 'the live stream' },
    );
    expect(listed.publishId).toMatch(/^[0-9a-f-]{36}$/);
    const room = await call<rooms.GetRoomResponse__Output>((cb) => roomsClient.GetRoom({ id: 'e2e-room' }, cb));
    expect(room.room?.live).toBe(true);

    const stats = await waitFor(
      async () => {
        const res = await call<telemetry.GetStatsResponse__Output>((cb) => telemetryClient.GetStats({}, cb));
        const r = res.rooms.find((x) => x.room === 'e2e-room');
        return r && r.renditions.every((x) => x.bitrateKbps > 0) ? r : undefined;
      },
      { timeoutMs: 20_000, what: 'measured bit rates' },
    );
    expect(stats.renditions.map((r) => [r.name, r.width, r.height])).toEqual([
      ['source', 1280, 720],
      ['480p', 854, 480],
    ]);
    expect(stats.renditions[0]?.codecs).toMatch(/^avc1\..+,mp4a\.40\.2$/);
    // What ingest measures of the publisher (publishTestStream: 25 fps, GOP 50, zerolatency so no B-frames).
    expect(stats.ingestHealth).toMatchObject({ keyframeIntervalMs: 2000, bFrames: false, reconnects: 0 });
    expect(stats.ingestHealth?.measuredFps).toBeGreaterThan(15);
    expect(stats.ingestHealth?.measuredBitrateKbps).toBeGreaterThan(100);
    expect(Math.abs(Number(stats.ingestHealth?.driftMs))).toBeLessThan(2000);
    // Media arrives continuously: the last came within the last second.
    expect(Date.now() - Number(stats.ingestHealth?.lastMediaAtMs)).toBeLessThan(1000);
    const self = await call<telemetry.GetStatsResponse__Output>((cb) => telemetryClient.GetStats({}, cb));
    expect(self.nats).toMatchObject({ connected: true });
    const health = await (await fetch(`http://127.0.0.1:${ports.httpPort}/healthz`)).json();
    expect(health).toEqual({ status: 'ok', liveStreams: 1 });

    expect(await ffmpeg.exited).toBe(0);
    await waitFor(
      async () =>
        !(await call<rooms.GetRoomResponse__Output>((cb) => roomsClient.GetRoom({ id: 'e2e-room' }, cb))).room?.live,
      {
        what: 'the room to go off air',
      },
    );
    const metrics = await (await fetch(`http://127.0.0.1:${ports.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/onair_ingest_publishes_total\{result="accepted",service="ingest"\} 1/);
    expect(metrics).toMatch(/onair_ingest_live_publishes\{service="ingest"\} 0/);
    expect(
      Number(/onair_ingest_rtmp_received_bytes_total\{service="ingest"\} (\d+)/.exec(metrics)?.[1]),
    ).toBeGreaterThan(500_000);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await ingest.stop()).toBe(0);
    expect(ingest.logs().some((l) => l.msg === 'stopped')).toBe(true);
  });
});
