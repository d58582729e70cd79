import { afterEach, describe, expect, it } from 'vitest';
import { onair, type telemetry } from '@onair/proto';
import { createLogger } from '@onair/runtime';
import { call, createClient, deadlineIn } from './client.js';
import { createGrpcServer, type GrpcServer } from './server.js';

const log = createLogger({ service: 'test', level: 'silent' });
const servers: GrpcServer[] = [];

/** A real gRPC server whose Telemetry names it by its one room. */
async function replica(name: string): Promise<number> {
  const server = createGrpcServer({
    log,
    service: 'chat',
    roomStats: () => [{ room: name, viewers: 0, roomViewers: 0, messagesPerSecond: 0 }],
  });
  servers.push(server);
  return server.listen('127.0.0.1', 0);
}

type StatsClient = InstanceType<ReturnType<typeof onair>['telemetry']['v1']['TelemetryService']>;

/** Which replica answered one GetStats. */
async function answeredBy(client: StatsClient): Promise<string | undefined> {
  const stats = await call<telemetry.GetStatsResponse__Output>((cb) =>
    client.GetStats({}, { deadline: deadlineIn(2000) }, cb),
  );
  return stats.rooms[0]?.room;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop(100)));
});

describe('internal channels over several replicas', () => {
  it('spread calls over every address of the target, round robin', async () => {
    const [a, b] = [await replica('a'), await replica('b')];
    const client = createClient(onair().telemetry.v1.TelemetryService, `ipv4:127.0.0.1:${a},127.0.0.1:${b}`);
    const answers: Array<string | undefined> = [];
    for (let i = 0; i < 10; i++) answers.push(await answeredBy(client));
    client.close();
    expect(new Set(answers)).toEqual(new Set(['a', 'b']));
    expect(answers.filter((r) => r === 'a').length).toBeGreaterThanOrEqual(4);
  });

  it('send every call to the replicas left when one goes away, none failing', async () => {
    const [a, b] = [await replica('a'), await replica('b')];
    const client = createClient(onair().telemetry.v1.TelemetryService, `ipv4:127.0.0.1:${a},127.0.0.1:${b}`);
    for (let i = 0; i < 4; i++) await answeredBy(client);
    await servers[0]!.stop(0);
    const answers: Array<string | undefined> = [];
    for (let i = 0; i < 20; i++) answers.push(await answeredBy(client));
    client.close();
    expect(answers).toEqual(Array.from({ length: 20 }, () => 'b'));
  });
});
