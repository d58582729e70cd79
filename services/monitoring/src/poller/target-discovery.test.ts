import { describe, expect, it } from 'vitest';
import { discoverTargets, systemLookup, type Lookup } from './target-discovery.js';

/** A resolver of a fixed table (what a compose network or a headless Service answers). */
const table =
  (records: Record<string, string[]>): Lookup =>
  (host) =>
    records[host] ? Promise.resolve(records[host]) : Promise.reject(new Error(`getaddrinfo ENOTFOUND ${host}`));

describe('discoverTargets', () => {
  it('polls every replica a name resolves to, under the entry name, and IP entries as they are', async () => {
    const resolve = table({ chat: ['172.18.0.7', '172.18.0.5'], ingest: ['fd00::3'] });
    const targets = await discoverTargets(
      [
        { name: 'chat', address: 'chat:50054' },
        { name: 'ingest', address: 'ingest:50051' },
        { name: 'relay', address: '10.0.0.9:50052' },
        { name: 'edge', address: '[::1]:50052' },
      ],
      resolve,
    );
    expect(targets).toEqual([
      { name: 'chat', address: '172.18.0.5:50054', serverName: 'chat' },
      { name: 'chat', address: '172.18.0.7:50054', serverName: 'chat' },
      { name: 'ingest', address: '[fd00::3]:50051', serverName: 'ingest' },
      { name: 'relay', address: '10.0.0.9:50052' },
      { name: 'edge', address: '[::1]:50052' },
    ]);
  });

  it('keeps a name that does not resolve as itself, and polls an address reached twice once', async () => {
    const resolve = table({ danmaku: ['10.0.0.2'], dm: ['10.0.0.2'] });
    const targets = await discoverTargets(
      [
        { name: 'danmaku', address: 'danmaku:50053' },
        { name: 'danmaku', address: 'dm:50053' },
        { name: 'chat', address: 'chat:50054' },
      ],
      resolve,
    );
    expect(targets).toEqual([
      { name: 'danmaku', address: '10.0.0.2:50053', serverName: 'danmaku' },
      { name: 'chat', address: 'chat:50054' },
    ]);
  });

  it('resolves localhost with the system resolver', async () => {
    const targets = await discoverTargets([{ name: 'chat', address: 'localhost:50054' }], systemLookup);
    expect(targets.map((t) => t.address)).toContain('127.0.0.1:50054');
  });
});
