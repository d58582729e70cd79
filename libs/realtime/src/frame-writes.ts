import type { Socket } from 'node:net';

let lastFrame: string | undefined;
let lastEncoded: Buffer = Buffer.alloc(0);

/**
 * The UTF-8 bytes of a frame, encoded once for every viewer it goes to: the fan-out hands the same string to each
 * member of a room in turn, so a one-entry cache turns a room's N encodings into one.
 */
export function encodedFrame(frame: string): Buffer {
  if (frame !== lastFrame) {
    lastFrame = frame;
    lastEncoded = Buffer.from(frame, 'utf8');
  }
  return lastEncoded;
}

const corked = new Set<Socket>();
let flushScheduled = false;

function uncorkAll(): void {
  flushScheduled = false;
  for (const socket of corked) if (!socket.destroyed) socket.uncork();
  corked.clear();
}

/**
 * Corks a viewer's TCP socket until the event loop's next turn, so that every frame written to it meanwhile (a
 * batch of messages the bus delivered together) leaves in one write system call instead of one each; WebSocket
 * framing is unchanged (RFC 6455 §5: frames are independent of TCP segments). Cork and uncork nest (Node's
 * `writable.cork`), so ws' own corking inside a send still works.
 */
export function corkUntilNextTurn(socket: Socket | undefined): void {
  if (socket === undefined || corked.has(socket)) return;
  socket.cork();
  corked.add(socket);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(uncorkAll);
  }
}
