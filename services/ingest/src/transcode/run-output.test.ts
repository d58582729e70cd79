import { describe, expect, it } from 'vitest';
import { RunOutput } from './run-output.js';

const direct = (step: () => void): void => step();

describe('RunOutput', () => {
  it('writes the first run at once, and a later run only after the one before it and its last step', async () => {
    const written: string[] = [];
    const old = new RunOutput(undefined, direct);
    old.take(() => written.push('old part 1'));
    const next = new RunOutput(old, direct);
    next.take(() => written.push('new init'));
    old.take(() => written.push('old part 2 (flushed)'));
    await Promise.resolve();
    expect(written).toEqual(['old part 1', 'old part 2 (flushed)']);
    old.end(() => written.push('discontinuity'));
    old.take(() => written.push('after the end: ignored'));
    await old.done;
    await Promise.resolve();
    next.take(() => written.push('new part'));
    expect(written).toEqual(['old part 1', 'old part 2 (flushed)', 'discontinuity', 'new init', 'new part']);
  });

  it('keeps a chain of three in order when the middle run ends before the first', async () => {
    const written: string[] = [];
    const a = new RunOutput(undefined, direct);
    const b = new RunOutput(a, direct);
    const c = new RunOutput(b, direct);
    c.take(() => written.push('c'));
    b.take(() => written.push('b'));
    b.end(() => written.push('b ends'));
    a.take(() => written.push('a'));
    a.end(() => written.push('a ends'));
    await b.done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['a', 'a ends', 'b', 'b ends', 'c']);
  });

  it('forgets what a discarded run held, and lets the next run follow', async () => {
    const written: string[] = [];
    const a = new RunOutput(undefined, direct);
    const b = new RunOutput(a, direct);
    const c = new RunOutput(b, direct);
    b.take(() => written.push('b, discarded'));
    c.take(() => written.push('c'));
    b.discard();
    a.end(() => written.push('a ends'));
    await b.done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['a ends', 'c']);
  });

  it('resolves done and runs the next steps when a step throws in the guard', async () => {
    const errors: unknown[] = [];
    const guard = (step: () => void): void => {
      try {
        step();
      } catch (err) {
        errors.push(err);
      }
    };
    const written: string[] = [];
    const a = new RunOutput(undefined, guard);
    const b = new RunOutput(a, guard);
    b.take(() => written.push('b'));
    a.end(() => {
      throw new Error('bug');
    });
    await a.done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(1);
    expect(written).toEqual(['b']);
  });
});
