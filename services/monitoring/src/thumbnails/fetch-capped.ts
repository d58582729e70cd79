/** Why {@link fetchCapped} failed: not a 2xx answer, too large a body, a timeout or a network error. */
export class FetchCappedError extends Error {
  override readonly name = 'FetchCappedError';
}

/** Options of {@link fetchCapped}. */
export interface FetchCappedOptions {
  /** Largest body read, bytes. */
  maxBytes: number;
  /** Deadline of the whole exchange, ms. */
  timeoutMs: number;
  /** The client's User-Agent. */
  userAgent: string;
  /** Ends the exchange early (a stopping service). */
  signal: AbortSignal;
}

/**
 * GETs `url` and reads its body, at most `maxBytes` of it, the whole exchange within `timeoutMs` and until `signal`
 * aborts.
 * @returns the body, bytes.
 * @throws FetchCappedError on a status other than 2xx, a body over `maxBytes`, a timeout, an abort or a network error.
 */
export async function fetchCapped(url: URL, options: FetchCappedOptions): Promise<Buffer> {
  const { maxBytes, timeoutMs, userAgent } = options;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([timeout, options.signal]);
  try {
    const res = await fetch(url, { signal, headers: { 'user-agent': userAgent } });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new FetchCappedError(`GET ${url.pathname} answered ${res.status}`);
    }
    const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      bytes += read.value.length;
      if (bytes > maxBytes) {
        await reader.cancel();
        throw new FetchCappedError(`GET ${url.pathname} has more than ${maxBytes} bytes`);
      }
      chunks.push(read.value);
    }
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof FetchCappedError) throw err;
    const why = timeout.aborted
      ? `no answer within ${timeoutMs} ms`
      : options.signal.aborted
        ? 'aborted'
        : (err as Error).message;
    throw new FetchCappedError(`GET ${url.pathname} failed: ${why}`, { cause: err });
  }
}
