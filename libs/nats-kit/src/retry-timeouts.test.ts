import { TimeoutError } from '@nats-io/transport-node';
import { createLogger } from '@onair/runtime';
import { describe, expect, it } from 'vitest';
import { retryTimeouts } from './retry-timeouts.js';

const log = createLogger({ service: 'test', level: 'silent' });

/** A call that fails with `errors` in turn, then answers `done`; counts its calls. */
function failing(errors: Error[]) {
  const call = async () => {
    call.calls++;
    const err = errors.shift();
    if (err) throw err;
    return 'done';
  };
  call.calls = 0;
  return call;
}

describe('retryTimeouts', () => {
  it('makes a call that timed out again until it answers', async () => {
    const call = failing([new TimeoutError(), new TimeoutError()]);
    expect(await retryTimeouts('bucket live', call, log)).toBe('done');
    expect(call.calls).toBe(3);
  });

  it('throws the timeout after five attempts', async () => {
    const call = failing(Array.from({ length: 6 }, () => new TimeoutError()));
    await expect(retryTimeouts('bucket live', call, log)).rejects.toBeInstanceOf(TimeoutError);
    expect(call.calls).toBe(5);
  });

  it('throws any other error at once', async () => {
    const call = failing([new Error('insufficient resources'), new TimeoutError()]);
    await expect(retryTimeouts('stream CHAT', call, log)).rejects.toThrow('insufficient resources');
    expect(call.calls).toBe(1);
  });
});
