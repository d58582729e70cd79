import { JSON_CODEC, jsonDecode, jsonEncode, services } from './messages.mjs';

/** Kinds of the small messages, sent over the bench's own streaming methods (parts go over MediaService). */
export const SMALL_KINDS = ['danmaku', 'chat', 'telemetry'];

/** The formats every message is sent in. */
export const FORMATS = ['protobuf', 'JSON'];

/** Name of the streaming method that carries `kind` in `format`, e.g. "WatchDanmakuProtobuf". */
export function watchMethod(kind, format) {
  const cap = (s) => s[0].toUpperCase() + s.slice(1).toLowerCase();
  return `Watch${cap(kind)}${cap(format)}`;
}

/** The protobuf response codec of each small kind's real method (see messages.mjs). */
function protobufOf(kind) {
  const s = services();
  const method = { danmaku: s.danmaku.PostDanmaku, chat: s.chat.PostMessage, telemetry: s.telemetry.GetStats }[kind];
  return { encode: method.responseSerialize, decode: method.responseDeserialize };
}

/** A grpc-js method definition (a ServiceDefinition entry, as proto-loader makes them) from its codecs. */
function method(path, { responseStream, request = JSON_CODEC, response = JSON_CODEC }) {
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: request.encode,
    requestDeserialize: request.decode,
    responseSerialize: response.encode,
    responseDeserialize: response.decode,
    originalName: path.split('/').at(-1),
  };
}

/**
 * `onair.bench.v1.Hop`, the bench's control and small-message service (its requests and control answers are JSON):
 * - `Open {room, initBytes}` starts a one-rendition stream in the server's MediaHub, with an init segment;
 * - `Feed {room, bytes, count, intervalMs}` applies `count` Parts of `bytes` to it, each once the one before was
 *   acknowledged and `intervalMs` passed, then ends the stream, and answers `{sentNs: [[partSequence, ns], …]}`: the server's `process.hrtime.bigint()`
 *   just before each part was applied (before MediaService serialised it);
 * - `Watch<Kind><Format> {run}` (server streaming) answers one message of the kind at once, then every message
 *   `Send` asks for, in that format (protobuf: the kind's real method's response serializer);
 * - `Send {run, count, intervalMs}` writes `count` messages to the watcher `run` as Feed does, ends it, and
 *   answers `{sentNs: [ns, …]}`;
 * - `Ack {key}`: the client has message `key` ("<room>:<partSequence>" or "<run>:<index>"); the server sends no
 *   message before the one before it is acknowledged, so that each travels alone on the connection.
 */
export function hopDefinition() {
  const def = {
    Open: method('/onair.bench.v1.Hop/Open', { responseStream: false }),
    Feed: method('/onair.bench.v1.Hop/Feed', { responseStream: false }),
    Send: method('/onair.bench.v1.Hop/Send', { responseStream: false }),
    Ack: method('/onair.bench.v1.Hop/Ack', { responseStream: false }),
  };
  for (const kind of SMALL_KINDS) {
    for (const format of FORMATS) {
      const name = watchMethod(kind, format);
      const response = format === 'JSON' ? JSON_CODEC : protobufOf(kind);
      def[name] = method(`/onair.bench.v1.Hop/${name}`, { responseStream: true, response });
    }
  }
  return def;
}

/**
 * `onair.bench.v1.JsonMedia/Subscribe`: MediaService.Subscribe's request, and its events as JSON (bytes as
 * base64) instead of protobuf; the server serves it with the same handler as the real one.
 */
export function jsonMediaDefinition() {
  const real = services().media.Subscribe;
  return {
    Subscribe: method('/onair.bench.v1.JsonMedia/Subscribe', {
      responseStream: true,
      request: { encode: real.requestSerialize, decode: real.requestDeserialize },
      response: { encode: jsonEncode, decode: jsonDecode },
    }),
  };
}
