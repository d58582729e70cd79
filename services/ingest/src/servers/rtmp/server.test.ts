import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Amf0EcmaArray } from '../../protocols/rtmp/amf0.js';
import { encodeAmf0 } from '../../protocols/rtmp/amf0-encode.js';
import { MESSAGE_TYPE, USER_CONTROL_EVENT } from '../../protocols/rtmp/messages.js';
import { clientCommand, clientMessage } from '../../testing/rtmp-test-client.js';
import {
  connectCmd,
  publishPipelined,
  referenceBombMetadata,
  startTestServer,
  statusOf,
  type TestServer,
} from '../../testing/test-server.js';

describe('RtmpServer sessions with a fake gate and pipeline', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('answers pipelined commands in order and feeds the publish to the pipeline', async () => {
    const client = await t.open();
    await publishPipelined(client, 'good-alpha');
    const names = client.commands().map((c) => c.name);
    expect(names).toEqual(['_result', '_result', 'onFCPublish', '_result', 'onStatus']);
    const [connectResult, , , createResult] = client.commands();
    expect(connectResult?.transactionId).toBe(1);
    expect(connectResult?.args[0]).toMatchObject({ code: 'NetConnection.Connect.Success' });
    expect(createResult).toMatchObject({ transactionId: 4, args: [1] });
    expect(statusOf(client)).toMatchObject({ level: 'status', code: 'NetStream.Publish.Start' });
    expect(
      client.received.some(
        (m) => m.type === MESSAGE_TYPE.USER_CONTROL && m.payload.readUInt16BE(0) === USER_CONTROL_EVENT.STREAM_BEGIN,
      ),
    ).toBe(true);

    const meta = encodeAmf0(
      '@setDataFrame',
      'onMetaData',
      new Amf0EcmaArray({ width: 640, height: 360, videocodecid: 7 }),
    );
    client.send(
      clientMessage(MESSAGE_TYPE.DATA_AMF0, 1, 0, meta),
      clientMessage(MESSAGE_TYPE.VIDEO, 1, 0, Buffer.from([0x17, 0, 0, 0, 0, 1, 2, 3])),
      clientMessage(MESSAGE_TYPE.AUDIO, 1, 0, Buffer.from([0xaf, 0, 0x12, 0x10])),
      clientMessage(MESSAGE_TYPE.VIDEO, 1, 40, Buffer.concat([Buffer.of(0x27), randomBytes(5999)])),
      clientCommand(0, 'FCUnpublish', 6, null, 'good-alpha'),
      clientCommand(0, 'deleteStream', 7, null, 1),
    );
    await client.until(() => t.pipeline.publishes[0]?.endReason !== undefined);
    const [rec] = t.pipeline.publishes;
    expect(rec?.publish.room).toBe('alpha');
    expect(rec?.metadata).toEqual([{ width: 640, height: 360, videocodecid: 7 }]);
    expect(rec?.video.map((v) => [v.timestampMs, v.bytes, v.keyframe])).toEqual([
      [0, 8, true],
      [40, 6000, false],
    ]);
    expect(rec?.audio).toEqual([{ timestampMs: 0, bytes: 4 }]);
    expect(rec?.endReason).toBe('FCUnpublish');
    expect(t.gate.released).toEqual(['alpha']);
    expect(t.lines.some((l) => l.msg === 'publish started' && l.room === 'alpha')).toBe(true);
  });

  it('splits aggregate messages into the audio and video they carry', async () => {
    const client = await t.open();
    await publishPipelined(client, 'good-agg');
    const tag = (type: number, ts: number, body: Buffer): Buffer => {
      const h = Buffer.alloc(11);
      h[0] = type;
      h.writeUIntBE(body.length, 1, 3);
      h.writeUIntBE(ts, 4, 3);
      return Buffer.concat([h, body, Buffer.alloc(4)]);
    };
    const payload = Buffer.concat([tag(9, 10, Buffer.of(0x17, 0)), tag(8, 30, Buffer.of(0xaf, 1, 0))]);
    client.send(clientMessage(MESSAGE_TYPE.AGGREGATE, 1, 1000, payload));
    await client.until(() => (t.pipeline.publishes[0]?.audio.length ?? 0) === 1);
    expect(t.pipeline.publishes[0]?.video).toEqual([{ timestampMs: 1000, bytes: 2, keyframe: true }]);
    expect(t.pipeline.publishes[0]?.audio).toEqual([{ timestampMs: 1020, bytes: 3 }]);
  });

  it('refuses a wrong stream key with NetStream.Publish.BadName and closes', async () => {
    const client = await t.open();
    await publishPipelined(client, 'wrong');
    expect(statusOf(client)).toMatchObject({
      level: 'error',
      code: 'NetStream.Publish.BadName',
      description: 'unknown stream key',
    });
    await client.closed;
    expect(t.pipeline.publishes).toHaveLength(0);
  });

  it('tells an Enhanced RTMP client which codecs it takes, and a legacy one nothing new', async () => {
    const enhanced = await t.open();
    await enhanced.handshake();
    enhanced.send(clientCommand(0, 'connect', 1, { app: 'live', fourCcList: ['hvc1', 'av01'], capsEx: 2 }));
    const result = await enhanced.command((c) => c.name === '_result');
    expect(result.commandObject).toMatchObject({
      fourCcList: ['avc1', 'hvc1', 'av01', 'vp09', 'mp4a', 'Opus'],
      videoFourCcInfoMap: { avc1: 5, hvc1: 4, av01: 4, vp09: 4 },
      audioFourCcInfoMap: { mp4a: 5, Opus: 4 },
      capsEx: 6,
    });
    const legacy = await t.open();
    await legacy.handshake();
    legacy.send(connectCmd());
    const plain = await legacy.command((c) => c.name === '_result');
    expect(plain.commandObject).not.toHaveProperty('videoFourCcInfoMap');
  });

  it('rejects another application with NetConnection.Connect.Rejected', async () => {
    const client = await t.open();
    await client.handshake();
    client.send(connectCmd('other'));
    const err = await client.command((c) => c.name === '_error');
    expect(err.args[0]).toMatchObject({ level: 'error', code: 'NetConnection.Connect.Rejected' });
    await client.closed;
  });

  it('answers unknown commands with _error only when the client waits for an answer', async () => {
    const client = await t.open();
    await client.handshake();
    client.send(
      connectCmd(),
      clientCommand(0, 'getStreamLength', 0, null, 'x'),
      clientCommand(0, '_checkbw', 2, null),
      clientCommand(0, 'createStream', 3, null),
    );
    await client.command((c) => c.transactionId === 3);
    expect(client.commands().map((c) => [c.name, c.transactionId])).toEqual([
      ['_result', 1],
      ['_error', 2],
      ['_result', 3],
    ]);
  });

  it('closes play requests with an error status', async () => {
    const client = await t.open();
    await client.handshake();
    client.send(connectCmd(), clientCommand(0, 'createStream', 2, null), clientCommand(1, 'play', 3, null, 'good-x'));
    await client.closed;
    expect(statusOf(client)).toMatchObject({ level: 'error', code: 'NetStream.Play.Failed' });
  });

  it('ends publishes and closes connections on stop', async () => {
    const client = await t.open();
    await publishPipelined(client, 'good-delta');
    await t.server.stop();
    await client.closed;
    expect(t.pipeline.publishes[0]?.endReason).toBe('server stopping');
    expect(t.gate.released).toEqual(['delta']);
  });

  it('releases the room and closes when the pipeline fails to open', async () => {
    t.pipeline.failOpen = true;
    const client = await t.open();
    await client.handshake();
    client.send(
      connectCmd(),
      clientCommand(0, 'createStream', 2, null),
      clientCommand(1, 'publish', 3, null, 'good-zeta'),
    );
    await client.closed;
    expect(t.gate.released).toEqual(['zeta']);
    expect(statusOf(client)).toMatchObject({ code: 'NetStream.Publish.BadName', description: 'internal error' });
    expect(t.lines.some((l) => l.msg === 'publish admission failed')).toBe(true);
  });

  it('closes the publish when its live lock is lost', async () => {
    const client = await t.open();
    await publishPipelined(client, 'good-eps');
    t.gate.lost.get('eps')?.();
    await client.closed;
    expect(t.pipeline.publishes[0]?.endReason).toBe('live lock lost');
  });

  it('closes a publisher whose onMetaData references expand past the limit (AMF0 spec §2.9)', async () => {
    const client = await t.open();
    await publishPipelined(client, 'good-dag');
    client.send(clientMessage(MESSAGE_TYPE.DATA_AMF0, 1, 0, referenceBombMetadata(16)));
    await client.until(() => t.lines.some((l) => l.msg === 'closed' && l.reason === 'protocol error'));
    expect(t.pipeline.publishes[0]?.metadata).toEqual([]);
    // A broken publisher is gone, but its stream waits for a reconnect like any vanished publisher.
    expect(t.lines.find((l) => l.msg === 'publisher gone; waiting for it to reconnect')).toMatchObject({
      room: 'dag',
      reason: 'protocol error',
    });
  });
});

describe('RtmpServer reconnects and second publishers', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });
  const video = (ts: number) => clientMessage(MESSAGE_TYPE.VIDEO, 1, ts, Buffer.from([0x17, 1, 0, 0, 0, 9]));

  it('hands a live room to a second publisher with its key (policy replace) and closes the first', async () => {
    const s = (t = await startTestServer());
    const first = await s.open();
    await publishPipelined(first, 'good-beta');
    const second = await s.open();
    await publishPipelined(second, 'good-beta');
    expect(statusOf(second)).toMatchObject({ code: 'NetStream.Publish.Start' });
    await first.closed;
    expect(s.lines.find((l) => l.msg === 'closed' && l.reason === 'replaced')).toBeDefined();
    second.send(video(0));
    await second.until(() => (s.pipeline.publishes[0]?.video.length ?? 0) === 1);
    expect(s.pipeline.publishes).toHaveLength(1);
    expect(s.pipeline.publishes[0]).toMatchObject({ reconnects: 1, endReason: undefined });
    expect(s.gate.released).toEqual([]);
  });

  it('refuses a second publisher while the first keeps publishing (policy reject)', async () => {
    const s = (t = await startTestServer({ publishPolicy: 'reject' }));
    const first = await s.open();
    await publishPipelined(first, 'good-beta');
    const second = await s.open();
    await publishPipelined(second, 'good-beta');
    expect(statusOf(second)).toMatchObject({
      code: 'NetStream.Publish.BadName',
      description: 'room beta is already live',
    });
    await second.closed;
    first.send(video(0));
    await first.until(() => (s.pipeline.publishes[0]?.video.length ?? 0) === 1);
    expect(s.pipeline.publishes).toHaveLength(1);
    expect(s.pipeline.publishes[0]).toMatchObject({ reconnects: 0, endReason: undefined });
  });

  it.each(['replace', 'reject'] as const)(
    'continues the stream when the publisher reconnects within the grace period (policy %s)',
    async (publishPolicy) => {
      const s = (t = await startTestServer({ publishPolicy, reconnectGraceMs: 5000 }));
      const first = await s.open();
      await publishPipelined(first, 'good-kappa');
      first.socket.destroy();
      await first.until(() => s.lines.some((l) => l.msg === 'publisher gone; waiting for it to reconnect'));
      const again = await s.open();
      await publishPipelined(again, 'good-kappa');
      expect(statusOf(again)).toMatchObject({ code: 'NetStream.Publish.Start' });
      again.send(video(0));
      await again.until(() => (s.pipeline.publishes[0]?.video.length ?? 0) === 1);
      expect(s.pipeline.publishes).toHaveLength(1);
      expect(s.pipeline.publishes[0]).toMatchObject({ reconnects: 1, endReason: undefined });
      expect(s.gate.anchors.get('kappa')).toHaveLength(1);
    },
  );

  it('waits the grace period again when the new publisher goes while its timeline anchor is written', async () => {
    const s = (t = await startTestServer({ reconnectGraceMs: 300 }));
    s.gate.continueDelayMs = 200;
    const first = await s.open();
    await publishPipelined(first, 'good-omicron');
    first.socket.destroy();
    await first.until(() => s.lines.some((l) => l.msg === 'publisher gone; waiting for it to reconnect'));
    const again = await s.open();
    await again.handshake();
    again.send(
      connectCmd(),
      clientCommand(0, 'createStream', 2, null),
      clientCommand(1, 'publish', 3, null, 'good-omicron'),
    );
    await again.until(() => s.lines.some((l) => l.msg === 'publish continued'));
    again.socket.destroy();
    await again.until(() => s.gate.released.includes('omicron'), 3000);
    expect(s.gate.anchors.get('omicron')).toHaveLength(1);
    expect(s.pipeline.publishes[0]?.endReason).toBe('connection closed while admitted; no reconnect within 300 ms');
  });

  it('ends the stream and frees the room when nobody reconnects within the grace period', async () => {
    const s = (t = await startTestServer({ reconnectGraceMs: 200 }));
    const first = await s.open();
    await publishPipelined(first, 'good-lambda');
    first.socket.destroy();
    await first.until(() => s.gate.released.includes('lambda'), 3000);
    expect(s.pipeline.publishes[0]?.endReason).toMatch(/^(peer|socket) closed; no reconnect within 200 ms$/);
    const next = await s.open();
    await publishPipelined(next, 'good-lambda');
    expect(s.pipeline.publishes).toHaveLength(2);
  });

  it('drops a publisher that sends nothing for the idle timeout, then waits for it to come back', async () => {
    const s = (t = await startTestServer({ idleTimeoutMs: 300, reconnectGraceMs: 5000 }));
    const first = await s.open();
    await publishPipelined(first, 'good-mu');
    await first.closed;
    expect(s.lines.find((l) => l.msg === 'publisher gone; waiting for it to reconnect')).toMatchObject({
      room: 'mu',
      reason: 'idle timeout',
    });
    expect(s.pipeline.publishes[0]?.endReason).toBeUndefined();
  });

  it('takes over a room another instance holds (policy replace), or refuses (policy reject)', async () => {
    for (const [publishPolicy, code] of [
      ['reject', 'NetStream.Publish.BadName'],
      ['replace', 'NetStream.Publish.Start'],
    ] as const) {
      const s = (t = await startTestServer({ publishPolicy }));
      s.gate.live.add('nu'); // held elsewhere
      const client = await s.open();
      await publishPipelined(client, 'good-nu');
      expect(statusOf(client)).toMatchObject({ code });
      await s.stop();
      t = undefined;
    }
  });

  it('ends at once, without a grace period, when the publisher unpublishes', async () => {
    const s = (t = await startTestServer({ reconnectGraceMs: 60_000 }));
    const client = await s.open();
    await publishPipelined(client, 'good-xi');
    client.send(clientCommand(0, 'FCUnpublish', 6, null, 'good-xi'), clientCommand(0, 'deleteStream', 7, null, 1));
    await client.until(() => s.gate.released.includes('xi'));
    expect(s.pipeline.publishes[0]?.endReason).toBe('FCUnpublish');
  });
});
