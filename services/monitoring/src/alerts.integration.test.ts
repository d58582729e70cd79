import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  publishTestStream,
  startMonitoring,
  startNats,
  startService,
  waitFor,
  type TestNats,
  type TestProcess,
  type TestService,
} from '@onair/testing';
import type { Alert, AlertsSnapshot } from './alerts/alert-tracker.js';
import type { StatusReport } from './status/status-types.js';

// Real processes: nats-server, ingest, monitoring with a webhook, and ffmpeg publishing. The publisher is
// SIGSTOPped: its connection stays open, so the publish stays live while no media arrives, like a frozen encoder;
// SIGCONT lets it go on.

const ROOM = 'stall-room';
const STREAM_KEY = `${ROOM}_0123456789abcdef0123456789abcdef`;
const SECRET = 'alert-webhook-secret-for-tests';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('alerts over real services', () => {
  let nats: TestNats;
  let ingest: TestService;
  let monitoring: TestService;
  let publisher: TestProcess;
  let receiver: Server;
  const deliveries: Delivery[] = [];
  let baseUrl: string;

  const alerts = async (): Promise<AlertsSnapshot> =>
    (await (await fetch(`${baseUrl}/api/alerts`)).json()) as AlertsSnapshot;
  const delivered = (): Array<{ version: number; alert: Alert }> =>
    deliveries.map((d) => JSON.parse(d.body) as { version: number; alert: Alert });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    nats = await startNats();
    ingest = await startService('ingest', {
      INGEST_NATS_URL: nats.url,
      INGEST_HOST: '127.0.0.1',
      INGEST_RTMP_PORT: '0',
      INGEST_GRPC_PORT: '0',
      INGEST_HTTP_PORT: '0',
      INGEST_LADDER: 'source',
      INGEST_DEMO_ROOM: ROOM,
      INGEST_DEMO_STREAM_KEY: STREAM_KEY,
      INGEST_RECONNECT_GRACE_MS: '60000',
      INGEST_IDLE_TIMEOUT_MS: '60000',
    });
    monitoring = await startMonitoring([`ingest=127.0.0.1:${ingest.port('grpcPort')}`], {
      MONITORING_POLL_MS: '500',
      MONITORING_POLL_TIMEOUT_MS: '400',
      MONITORING_ALERT_RULES: '{"stream_stalled":{"threshold":2000,"forMs":1000}}',
      MONITORING_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`,
      MONITORING_ALERT_WEBHOOK_SECRET: SECRET,
    });
    baseUrl = `http://127.0.0.1:${monitoring.port('httpPort')}`;
  }, 60_000);

  afterAll(async () => {
    publisher?.child.kill('SIGCONT');
    await publisher?.stop(1000);
    await monitoring?.stop();
    await ingest?.stop();
    await nats?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('raises "stream stalled" when the publisher stops sending, at /api/alerts and the webhook, then resolves it', async () => {
    publisher = publishTestStream({
      url: `rtmp://127.0.0.1:${ingest.port('rtmpPort')}/live/${STREAM_KEY}`,
      durationS: 120,
    });
    await waitFor(
      async () => {
        const report = (await (await fetch(`${baseUrl}/api/status`)).json()) as StatusReport;
        return report.streams.find((s) => s.room === ROOM && (s.ingest?.lastMediaAtMs ?? 0) > 0);
      },
      { timeoutMs: 20_000, what: 'the room live with media' },
    );
    // Media flows: no stall for a few polls.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await alerts()).active.filter((a) => a.rule === 'stream_stalled')).toEqual([]);

    const stoppedAt = Date.now();
    publisher.child.kill('SIGSTOP');
    const firing = await waitFor(async () => (await alerts()).active.find((a) => a.rule === 'stream_stalled'), {
      timeoutMs: 15_000,
      what: 'stream_stalled firing',
    });
    // 2 s without media, held for 1 s, polled every 0.5 s; counted from the last media, which ingest took up to a few
    // ms before the stop (2,987 ms measured once).
    expect(firing.startsAtMs - stoppedAt).toBeGreaterThanOrEqual(2900);
    expect(firing.startsAtMs - stoppedAt).toBeLessThan(8000);
    expect(firing).toMatchObject({ labels: { room: ROOM }, severity: 'critical', status: 'firing', endsAtMs: null });
    expect(firing.summary).toMatch(new RegExp(`^room ${ROOM}: no media for \\d+\\.\\d s$`));
    const webhookFiring = await waitFor(
      () => delivered().find((d) => d.alert.id === firing.id && d.alert.status === 'firing'),
      { timeoutMs: 5000, what: 'the firing alert at the webhook' },
    );
    expect(webhookFiring.version).toBe(1);
    expect(webhookFiring.alert).toMatchObject({ id: firing.id, status: 'firing', startsAtMs: firing.startsAtMs });

    publisher.child.kill('SIGCONT');
    const resolved = await waitFor(async () => (await alerts()).history.find((a) => a.id === firing.id), {
      timeoutMs: 15_000,
      what: 'stream_stalled resolved',
    });
    expect(resolved).toMatchObject({ status: 'resolved', startsAtMs: firing.startsAtMs });
    expect(resolved.endsAtMs).toBeGreaterThan(firing.startsAtMs);
    await waitFor(() => delivered().some((d) => d.alert.id === firing.id && d.alert.status === 'resolved'), {
      timeoutMs: 5000,
      what: 'the resolved alert at the webhook',
    });
    for (const d of deliveries) {
      const timestamp = String(d.headers['x-onair-timestamp']);
      const mac = createHmac('sha256', SECRET).update(`${timestamp}.${d.body}`).digest('hex');
      expect(d.headers['x-onair-signature']).toBe(`sha256=${mac}`);
    }
    expect(monitoring.output()).not.toContain(SECRET);
  }, 90_000);
});
