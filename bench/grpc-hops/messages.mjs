import { randomBytes, randomUUID } from 'node:crypto';

const PROTO = new URL('../../proto/dist/src/index.js', import.meta.url);
/** `onair()` of @onair/proto: the gRPC packages, as every service loads them. */
export const { onair } = await import(PROTO.href).catch((err) => {
  throw new Error(`cannot load ${PROTO.pathname}: run \`npm run build\` at the repository root`, { cause: err });
});

/** Payload sizes of the media parts measured, bytes (decimal kB: 20 KB = 20,000 bytes). */
export const PART_SIZES = [20_000, 50_000, 100_000, 200_000];

/** Rooms in the Telemetry answer. */
export const TELEMETRY_ROOMS = 50;

/**
 * @typedef {object} Codec one way of turning a message into the bytes a hop carries and back.
 * @property {'protobuf' | 'JSON'} format
 * @property {(message: object) => Buffer} encode
 * @property {(bytes: Buffer) => object} decode
 */

/**
 * @typedef {object} BenchMessage one message that matters on a hop.
 * @property {string} name e.g. "media Part 20 KB".
 * @property {string} kind a short id: "part-20000", "danmaku", "chat", "telemetry".
 * @property {string} method the gRPC method whose response it is, e.g. "onair.media.v1.MediaService/Subscribe".
 * @property {object} message the object the service hands to grpc-js (proto-loader's form: camelCase fields,
 *   int64 as numbers, enums as strings, bytes as Buffer).
 * @property {Codec} protobuf the method's own response serializer and deserializer (proto-loader's, as grpc-js
 *   calls them: `Type.encode(Type.fromObject(message)).finish()` and `Type.toObject(Type.decode(bytes), options)`).
 * @property {Codec} json the same object as JSON text (UTF-8), bytes fields as base64 strings.
 */

/** A copy of `value` with every Buffer replaced by its base64 text (plain objects and arrays copied). */
function withBase64(value) {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(withBase64);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const key in value) out[key] = withBase64(value[key]);
  return out;
}

/**
 * The message as JSON text, every Buffer as a base64 string (what the proto3 JSON mapping does with `bytes`;
 * int64 fields stay JSON numbers, which that mapping would quote), as UTF-8 bytes. The Buffers are replaced
 * before JSON.stringify sees them: Buffer's toJSON would make an array of numbers of each.
 * @param {object} message
 * @returns {Buffer}
 */
export function jsonEncode(message) {
  return Buffer.from(JSON.stringify(withBase64(message)));
}

/**
 * Parses {@link jsonEncode}'s bytes back: the `data` fields (the only bytes fields of these messages: Part.data,
 * InitSegment.data) become Buffers again.
 * @param {Buffer} bytes
 * @returns {object}
 */
export function jsonDecode(bytes) {
  return JSON.parse(bytes.toString('utf8'), (key, value) =>
    key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64') : value,
  );
}

/** The JSON codec, the same for every message. */
export const JSON_CODEC = { format: 'JSON', encode: jsonEncode, decode: jsonDecode };

/**
 * The protobuf codec of a method's response: the serializer and deserializer proto-loader put in the method's
 * definition, which grpc-js calls for every message.
 * @param {{ responseSerialize: (m: object) => Buffer, responseDeserialize: (b: Buffer) => object }} method
 * @returns {Codec}
 */
function protobufCodec(method) {
  return { format: 'protobuf', encode: method.responseSerialize, decode: method.responseDeserialize };
}

/** The service definitions, as the services load them (`onair()` of @onair/proto). */
export function services() {
  const o = onair();
  return {
    media: o.media.v1.MediaService.service,
    danmaku: o.danmaku.v1.DanmakuService.service,
    chat: o.chat.v1.ChatService.service,
    telemetry: o.telemetry.v1.TelemetryService.service,
  };
}

/**
 * A media Part event as ingest and the relays write it to a MediaService.Subscribe call (SubscribeResponse with
 * the `part` oneof): one moof+mdat of a 1/3 s part; `data` is random bytes (protobuf and base64 copy bytes
 * whatever they hold), of `bytes` length.
 * @param {number} bytes
 * @param {{ partSequence?: number, segmentSequence?: number, partIndex?: number }} [numbering]
 */
export function partEvent(bytes, { partSequence = 7405, segmentSequence = 1234, partIndex = 2 } = {}) {
  return {
    event: 'part',
    part: {
      rendition: 'source',
      segmentSequence,
      partIndex,
      data: randomBytes(bytes),
      durationMs: 333.333,
      independent: partIndex === 0,
      programDateTimeMs: Date.now(),
      videoFrames: 10,
      partSequence,
    },
  };
}

/** A danmaku as DanmakuService.PostDanmaku answers it (the fields danmaku's WebSocket and NATS frames carry). */
function danmakuResponse() {
  return {
    danmaku: {
      id: randomUUID(),
      room: 'demo',
      name: 'viewer_4821',
      text: '前方高能！this part is amazing 哈哈哈',
      mode: 'MODE_SCROLL',
      color: '#ffcc00',
      sentAtMs: Date.now(),
      streamTimeMs: 1_234_567,
      userId: 'user:8d3f2c41',
    },
  };
}

/** A chat message as ChatService.PostMessage answers it. */
function chatResponse() {
  return {
    message: {
      id: randomUUID(),
      room: 'demo',
      name: 'Alice',
      text: 'Does anyone know which song this is? The one playing right now 🎵',
      sentAtMs: Date.now(),
      userId: 'user:1b77e0a9',
    },
  };
}

/**
 * ingest's TelemetryService.GetStats answer with `rooms` live rooms, each with the default ladder's two renditions
 * and its publish health: what monitoring polls every few seconds from every instance.
 * @param {number} rooms
 */
export function telemetryResponse(rooms) {
  const now = Date.now();
  return {
    service: 'ingest',
    instance: randomUUID(),
    version: '0.1.0',
    startedAtMs: now - 86_400_000,
    rooms: Array.from({ length: rooms }, (_, i) => ({
      room: `room-${String(i).padStart(3, '0')}`,
      live: true,
      publishStartedAtMs: now - 600_000 - i * 1000,
      renditions: [
        { name: 'source', bitrateKbps: 2563.4, fps: 30, width: 1280, height: 720, codecs: 'avc1.64001f,mp4a.40.2' },
        { name: '480p', bitrateKbps: 1187.9, fps: 30, width: 854, height: 480, codecs: 'avc1.64001e,mp4a.40.2' },
      ],
      viewers: 0,
      messagesPerSecond: 0,
      ingestHealth: {
        keyframeIntervalMs: 2000,
        measuredFps: 29.97,
        declaredFps: 30,
        measuredBitrateKbps: 2690.2,
        declaredBitrateKbps: 2628,
        bFrames: true,
        driftMs: -12,
        lateParts: 0,
        reconnects: 0,
      },
      roomViewers: 0,
    })),
  };
}

/**
 * Every message measured: the media parts of {@link PART_SIZES}, a danmaku, a chat message and a Telemetry answer
 * of {@link TELEMETRY_ROOMS} rooms, each with its method's protobuf codec and the JSON codec.
 * @returns {BenchMessage[]}
 */
export function benchMessages() {
  const s = services();
  return [
    ...PART_SIZES.map((bytes) => ({
      name: `media Part ${bytes / 1000} KB`,
      kind: `part-${bytes}`,
      method: 'onair.media.v1.MediaService/Subscribe',
      message: partEvent(bytes),
      protobuf: protobufCodec(s.media.Subscribe),
      json: JSON_CODEC,
    })),
    {
      name: 'danmaku',
      kind: 'danmaku',
      method: 'onair.danmaku.v1.DanmakuService/PostDanmaku',
      message: danmakuResponse(),
      protobuf: protobufCodec(s.danmaku.PostDanmaku),
      json: JSON_CODEC,
    },
    {
      name: 'chat message',
      kind: 'chat',
      method: 'onair.chat.v1.ChatService/PostMessage',
      message: chatResponse(),
      protobuf: protobufCodec(s.chat.PostMessage),
      json: JSON_CODEC,
    },
    {
      name: `Telemetry answer, ${TELEMETRY_ROOMS} rooms`,
      kind: 'telemetry',
      method: 'onair.telemetry.v1.TelemetryService/GetStats',
      message: telemetryResponse(TELEMETRY_ROOMS),
      protobuf: protobufCodec(s.telemetry.GetStats),
      json: JSON_CODEC,
    },
  ];
}
