import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@onair/grpc-kit';
import { nowMs } from '../ll-hls/proc.mjs';
import { onair } from './messages.mjs';

/** Pause before subscribing again after the room was not live (NOT_FOUND) or the server not ready, ms. */
const RETRY_MS = 20;

/**
 * @typedef {object} MediaFollower
 * @property {() => number} subscriptions Subscribe calls that delivered the stream (1 when nothing broke).
 * @property {() => Promise<void>} stop cancels the call and closes the client.
 */

/**
 * Follows a room on a MediaService as a relay follows its upstream (onair.media.v1.MediaService.Subscribe, the
 * relay's channel options), subscribing again while the room is not live yet and after a call ends. It calls
 * `onPart(part, atMs)` for every Part the first time its part sequence arrives, with the wall time it came out of
 * grpc-js (ms since the epoch, `performance.timeOrigin + performance.now()`), and `onInit(data)` for every init
 * segment.
 * @param {number} port the service's gRPC port on 127.0.0.1.
 * @param {{ room: string, onPart: (part: object, atMs: number) => void, onInit: (data: Buffer) => void }} options
 * @returns {MediaFollower}
 */
export function followMedia(port, { room, onPart, onInit }) {
  const client = createClient(onair().media.v1.MediaService, `127.0.0.1:${port}`, {
    'grpc.initial_reconnect_backoff_ms': 250,
    'grpc.max_reconnect_backoff_ms': 5000,
  });
  const seen = new Set();
  let subscriptions = 0;
  let call;
  let stopped = false;
  const once = () =>
    new Promise((resolve) => {
      let delivered = false;
      call = client.Subscribe({ room });
      call.on('data', (msg) => {
        const atMs = nowMs();
        if (!delivered) {
          delivered = true;
          subscriptions++;
        }
        if (msg.part && !seen.has(msg.part.partSequence)) {
          seen.add(msg.part.partSequence);
          onPart(msg.part, atMs);
        } else if (msg.initSegment) {
          onInit(msg.initSegment.data);
        }
      });
      call.on('error', () => resolve());
      call.on('end', () => resolve());
    });
  const running = (async () => {
    while (!stopped) {
      await once();
      if (!stopped) await sleep(RETRY_MS);
    }
  })();
  return {
    subscriptions: () => subscriptions,
    async stop() {
      stopped = true;
      call?.cancel();
      await running;
      client.close();
    },
  };
}
