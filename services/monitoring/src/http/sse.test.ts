import { describe, expect, it } from 'vitest';
import { formatSseComment, formatSseEvent } from './sse.js';

/** Parses a stream the way WHATWG HTML §9.2.6 says a browser does, for the events' types and data. */
function parse(stream: string): Array<{ type: string; data: string; retry?: number }> {
  const events: Array<{ type: string; data: string; retry?: number }> = [];
  let data: string[] = [];
  let type = '';
  let retry: number | undefined;
  for (const line of stream.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length > 0) events.push({ type: type || 'message', data: data.join('\n'), ...(retry ? { retry } : {}) });
      [data, type, retry] = [[], '', undefined];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'retry') retry = Number(value);
  }
  return events;
}

describe('formatSseEvent', () => {
  it.each([
    ['one line', { event: 'status', data: '{"a":1}' }, 'event: status\ndata: {"a":1}\n\n'],
    ['no type', { data: 'x' }, 'data: x\n\n'],
    ['an empty payload', { data: '' }, 'data: \n\n'],
    ['with retry', { event: 'snapshot', data: '{}', retryMs: 3000 }, 'retry: 3000\nevent: snapshot\ndata: {}\n\n'],
    ['lines of every ending', { data: 'a\nb\r\nc\rd' }, 'data: a\ndata: b\ndata: c\ndata: d\n\n'],
  ])('frames %s', (_name, event, framed) => {
    expect(formatSseEvent(event)).toBe(framed);
  });

  it('round-trips through a WHATWG parser, several events in one stream', () => {
    const payload = JSON.stringify({ text: 'line one\nline two', room: 'demo' }, null, 2);
    const stream =
      formatSseEvent({ event: 'snapshot', data: payload, retryMs: 2000 }) +
      formatSseComment('heartbeat') +
      formatSseEvent({ event: 'status', data: 'two' });
    expect(parse(stream)).toEqual([
      { type: 'snapshot', data: payload, retry: 2000 },
      { type: 'status', data: 'two' },
    ]);
  });

  it('refuses an event type with a line break and a bad retry', () => {
    expect(() => formatSseEvent({ event: 'a\nb', data: '' })).toThrow(/line break/);
    expect(() => formatSseEvent({ data: '', retryMs: -1 })).toThrow(/retry/);
    expect(() => formatSseEvent({ data: '', retryMs: 1.5 })).toThrow(/retry/);
  });
});

describe('formatSseComment', () => {
  it('is a comment line per line, dispatching nothing', () => {
    expect(formatSseComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(formatSseComment('a\nb')).toBe(': a\n: b\n\n');
    expect(parse(formatSseComment('a\nb'))).toEqual([]);
  });
});
