import { NET_STATUS, commandMessage, errorMessage, onStatusMessage, resultMessage } from './commands.js';
import {
  PEER_BANDWIDTH_LIMIT,
  USER_CONTROL_EVENT,
  setChunkSizeMessage,
  setPeerBandwidthMessage,
  userControlMessage,
  windowAckSizeMessage,
  type RtmpMessage,
} from './messages.js';

/** Window acknowledgement size and peer bandwidth announced to clients, bytes (RTMP spec 1.0 §5.4.4, §5.4.5). */
export const WINDOW_BYTES = 2_500_000;
/** Chunk size the server sends with after `connect`, bytes (§5.4.1). */
export const OUT_CHUNK_SIZE = 4096;

/** FourCcInfoMask (enhanced-rtmp v2, "Enhancing NetConnection connect Command"). */
const FOURCC_INFO = { CAN_DECODE: 0x01, CAN_FORWARD: 0x04 } as const;
/** CapsExMask (enhanced-rtmp v2): multitrack messages and ModEx signals are parsed. */
const CAPS_EX = { MULTITRACK: 0x02, MOD_EX: 0x04 } as const;

/**
 * What ingest tells an Enhanced RTMP client it takes (enhanced-rtmp v2, "Enhancing NetConnection connect
 * Command"): every codec the source rendition carries is forwarded; H.264 and AAC are also decoded for transcoded
 * renditions. `fourCcList` for v1 clients, the info maps and `capsEx` for v2 ones.
 */
export const ENHANCED_RTMP_CAPABILITIES = {
  fourCcList: ['avc1', 'hvc1', 'av01', 'vp09', 'mp4a', 'Opus'],
  videoFourCcInfoMap: {
    avc1: FOURCC_INFO.CAN_FORWARD | FOURCC_INFO.CAN_DECODE,
    hvc1: FOURCC_INFO.CAN_FORWARD,
    av01: FOURCC_INFO.CAN_FORWARD,
    vp09: FOURCC_INFO.CAN_FORWARD,
  },
  audioFourCcInfoMap: { mp4a: FOURCC_INFO.CAN_FORWARD | FOURCC_INFO.CAN_DECODE, Opus: FOURCC_INFO.CAN_FORWARD },
  capsEx: CAPS_EX.MULTITRACK | CAPS_EX.MOD_EX,
};

/**
 * Accepting `connect` (§7.2.1.1): Window Acknowledgement Size, Set Peer Bandwidth, Set Chunk Size, then
 * `_result` with the server properties and NetConnection.Connect.Success. An Enhanced RTMP client (one that sent
 * `fourCcList`, an info map or `capsEx`) also gets {@link ENHANCED_RTMP_CAPABILITIES} among the properties.
 */
export function connectAccepted(transactionId: number, enhanced = false): RtmpMessage[] {
  return [
    windowAckSizeMessage(WINDOW_BYTES),
    setPeerBandwidthMessage(WINDOW_BYTES, PEER_BANDWIDTH_LIMIT.DYNAMIC),
    setChunkSizeMessage(OUT_CHUNK_SIZE),
    resultMessage(
      transactionId,
      { fmsVer: 'FMS/3,5,7,7009', capabilities: 31, mode: 1, ...(enhanced ? ENHANCED_RTMP_CAPABILITIES : {}) },
      { level: 'status', code: NET_STATUS.CONNECT_SUCCESS, description: 'Connection succeeded.', objectEncoding: 0 },
    ),
  ];
}

/** Refusing `connect` to an application this server does not serve: `_error` NetConnection.Connect.Rejected. */
export function connectRejected(transactionId: number, app: string): RtmpMessage {
  const description = `unknown application "${app}"`;
  return errorMessage(transactionId, { level: 'error', code: NET_STATUS.CONNECT_REJECTED, description });
}

/** `_error` NetConnection.Call.Failed for a call the server does not support. */
export function callFailed(transactionId: number, description: string): RtmpMessage {
  return errorMessage(transactionId, { level: 'error', code: NET_STATUS.CALL_FAILED, description });
}

/** `onFCPublish`, the answer FMS gives to `FCPublish` (transaction 0). */
export function onFCPublish(): RtmpMessage {
  return commandMessage(0, 'onFCPublish', 0, null, { code: NET_STATUS.PUBLISH_START, description: 'FCPublish' });
}

/** Accepting `publish` (§7.2.2.6): User Control StreamBegin, then onStatus NetStream.Publish.Start. */
export function publishStarted(streamId: number, room: string): RtmpMessage[] {
  const description = `publishing room ${room}`;
  return [
    userControlMessage(USER_CONTROL_EVENT.STREAM_BEGIN, streamId),
    onStatusMessage(streamId, { level: 'status', code: NET_STATUS.PUBLISH_START, description }),
  ];
}

/** Refusing `publish`: onStatus NetStream.Publish.BadName at level error (wrong key, room live, failure). */
export function publishRefused(streamId: number, description: string): RtmpMessage {
  return onStatusMessage(streamId, { level: 'error', code: NET_STATUS.PUBLISH_BAD_NAME, description });
}

/** onStatus NetStream.Unpublish.Success after FCUnpublish/closeStream/deleteStream of the publishing stream. */
export function unpublished(streamId: number, description: string): RtmpMessage {
  return onStatusMessage(streamId, { level: 'status', code: NET_STATUS.UNPUBLISH_SUCCESS, description });
}

/** onStatus NetStream.Play.Failed: ingest does not play. */
export function playFailed(streamId: number): RtmpMessage {
  const description = 'this server only accepts publishes';
  return onStatusMessage(streamId, { level: 'error', code: NET_STATUS.PLAY_FAILED, description });
}
