import WebSocket from 'ws';
import { waitFor } from '@onair/testing';

/** A test viewer: a WebSocket that keeps every JSON frame it receives (a batch's items as frames of their own). */
export interface TestViewer {
  readonly frames: Array<Record<string, unknown>>;
  send(frame: Record<string, unknown>): void;
  /** Resolves to the first received frame that matches, waiting up to `timeoutMs`. */
  next(match: (f: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): void;
}

/** Opens a WebSocket to `url`, says hello with `hello` (e.g. a token) and resolves once it is open. */
export async function openViewer(url: string, hello: Record<string, unknown> = {}): Promise<TestViewer> {
  const ws = new WebSocket(url);
  const frames: Array<Record<string, unknown>> = [];
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    frames.push(...(frame.type === 'batch' ? (frame.items as Array<Record<string, unknown>>) : [frame]));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'hello', ...hello }));
  return {
    frames,
    send: (frame) => ws.send(JSON.stringify(frame)),
    next: (match, timeoutMs = 10_000) => waitFor(() => frames.find(match), { timeoutMs, what: `frame on ${url}` }),
    close: () => ws.close(),
  };
}
