/**
 * Server-Sent Events framing (WHATWG HTML §9.2.6, "Interpreting an event stream"): an event is `field: value` lines
 * ended by a blank line; a data value spanning several lines takes one `data:` line each, which the browser joins
 * with "\n" again. Lines may end in "\n", "\r\n" or "\r", so a data line is split at each of them.
 */

/** One event of a `text/event-stream`. */
export interface SseEvent {
  /** The event type the browser dispatches (`addEventListener(type)`); "message" when absent. */
  event?: string;
  /** The payload; may span lines. */
  data: string;
  /** Reconnection time the browser adopts, ms (a non-negative integer). */
  retryMs?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Formats one event, ending with the blank line that dispatches it.
 * @throws Error when the event type holds a line break or `retryMs` is not a non-negative integer.
 */
export function formatSseEvent({ event, data, retryMs }: SseEvent): string {
  let out = '';
  if (retryMs !== undefined) {
    if (!Number.isInteger(retryMs) || retryMs < 0) throw new Error(`SSE retry ${retryMs} is not an integer >= 0`);
    out += `retry: ${retryMs}\n`;
  }
  if (event !== undefined) {
    if (LINE_BREAK.test(event)) throw new Error('SSE event type holds a line break');
    out += `event: ${event}\n`;
  }
  for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line the browser ignores (a heartbeat that keeps proxies from closing an idle stream). */
export function formatSseComment(text: string): string {
  return text
    .split(LINE_BREAK)
    .map((line) => `: ${line}\n`)
    .join('')
    .concat('\n');
}
