import type { Socket } from 'node:net';
import * as ws from 'ws';

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

/** The part of ws' Sender used here: its framing (ws exports it, @types/ws does not declare it). */
interface WsSender {
  frame(
    data: Buffer,
    options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
  ): Buffer[];
}
const { Sender } = ws as unknown as { Sender: WsSender };
/** Opcode of a text frame (RFC 6455 §5.2). */
const TEXT_OPCODE = 1;

/**
 * A text frame's whole wire form, as a server sends it: one unfragmented, unmasked, uncompressed WebSocket frame
 * (RFC 6455 §5.2) holding `text` as UTF-8, framed by ws' own Sender.frame, in one Buffer. Written as it is to every
 * viewer's socket, so a room's frame is serialised and framed once whatever its viewers; only for sockets without
 * permessage-deflate (the realtime server never negotiates it).
 */
export function wireFrame(text: string): Buffer {
  const parts = Sender.frame(Buffer.from(text, 'utf8'), {
    fin: true,
    opcode: TEXT_OPCODE,
    mask: false,
    readOnly: true,
    rsv1: false,
  });
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
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
