import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDINGS_DELETE_SUBJECT, type DeleteRecordingReply } from '@onair/contracts';
import type { Subscription } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNatsFixture, type NatsFixture } from '@onair/testing';
import { RecordingsDeleter } from './recordings-deleter.js';

// A real nats-server; the origin relays are small hand-written responders on the subject, each answering as the
// relay's RecordingsKeeper does (the real relay is in e2e/src/recording-delete.test.ts).

const log = createLogger({ service: 'ingest', level: 'silent' });
const PUBLISH_ID = '0d000000-0000-4000-8000-000000000001';
const WINDOW_MS = 1000;

describe('RecordingsDeleter over a real nats-server', () => {
  let nats: NatsFixture;
  let deleter: RecordingsDeleter;
  const origins: Subscription[] = [];
  /** An origin relay that answers `reply` after `delayMs`. */
  const origin = (reply: DeleteRecordingReply, delayMs = 0): void => {
    origins.push(
      nats.nc.subscribe(RECORDINGS_DELETE_SUBJECT, {
        callback: (_err, msg) => void setTimeout(() => msg.respond(JSON.stringify(reply)), delayMs),
      }),
    );
  };
  const stopOrigins = (): void => {
    for (const s of origins.splice(0)) s.unsubscribe();
  };

  beforeAll(async () => {
    nats = await startNatsFixture();
    deleter = new RecordingsDeleter(nats.nc, { log, windowMs: WINDOW_MS });
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it.each([
    { room: 'Bad Room', publishId: PUBLISH_ID, field: 'room' },
    { room: '../etc', publishId: PUBLISH_ID, field: 'room' },
    { room: 'demo', publishId: '../../secret', field: 'publishId' },
    { room: 'demo', publishId: PUBLISH_ID.toUpperCase(), field: 'publishId' },
  ])('refuses room $room, publish $publishId: INVALID_ARGUMENT on $field', async ({ room, publishId, field }) => {
    await expect(deleter.delete(room, publishId)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field });
  });

  it('answers NOT_FOUND when no origin relay records', async () => {
    const started = Date.now();
    await expect(deleter.delete('demo', PUBLISH_ID)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // No responders: known at once, without waiting out the window.
    expect(Date.now() - started).toBeLessThan(WINDOW_MS);
  });

  it('answers NOT_FOUND after the window when every origin answers that it holds nothing', async () => {
    origin({ deleted: false });
    origin({ deleted: false }, 50);
    const started = Date.now();
    await expect(deleter.delete('demo', PUBLISH_ID)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(WINDOW_MS - 50);
    stopOrigins();
  });

  it('returns the bytes of the first origin that deleted, without waiting out the window', async () => {
    origin({ deleted: false });
    origin({ deleted: true, bytes: 12_345 }, 100);
    origin({ deleted: true, bytes: 1 }, WINDOW_MS / 2);
    const started = Date.now();
    expect(await deleter.delete('demo', PUBLISH_ID)).toBe(12_345);
    expect(Date.now() - started).toBeLessThan(WINDOW_MS / 2);
    stopOrigins();
  });

  it('skips replies that do not parse', async () => {
    origins.push(
      nats.nc.subscribe(RECORDINGS_DELETE_SUBJECT, { callback: (_err, msg) => void msg.respond('not json') }),
    );
    origin({ deleted: true, bytes: 7 }, 50);
    expect(await deleter.delete('demo', PUBLISH_ID)).toBe(7);
    stopOrigins();
  });

  it('answers UNAVAILABLE at once while NATS is down', async () => {
    origin({ deleted: true, bytes: 7 });
    const disconnected = (async () => {
      for await (const s of nats.nc.status()) if (s.type === 'disconnect') return;
    })();
    await nats.nats.process.stop();
    await disconnected;
    const started = Date.now();
    await expect(deleter.delete('demo', PUBLISH_ID)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(WINDOW_MS);
  });
});
