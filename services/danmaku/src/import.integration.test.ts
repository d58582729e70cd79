import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { onair, type danmaku } from '@onair/proto';
import { call, createClient } from '@onair/grpc-kit';
import { connectNats, jetstreamManager, Kvm, type KV, type NatsConnection } from '@onair/nats-kit';
import { issueToken, type TokenGrant } from '@onair/realtime';
import { createLogger } from '@onair/runtime';
import { startNats, startService, waitFor, type TestNats, type TestService } from '@onair/testing';

// Integration: a built danmaku instance (npx tsc -b services/danmaku) on a real nats-server; the Bilibili XML
// import `POST /api/rooms/<room>/danmaku.xml?publish=<id>`: export → import into a recording → export again.

let nats: TestNats;
let nc: NatsConnection;
let svc: TestService;
let base: string;
let client: danmaku.DanmakuServiceClient;
let live: KV;

const ROOM = 'import-room';
/** The publish the danmaku were posted in. */
const LIVE_PUBLISH = '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
/** A later publish of the room whose recording lost its live danmaku: the archive is imported into it. */
const RECORDING = '2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e';
const UNKNOWN_PUBLISH = '00000000-0000-4000-8000-000000000000';
const JWT_SECRET = 'import-test-secret-0123456789abcdef';
/** DANMAKU_IMPORT_MAX_BYTES of the instance: small, so a 413 costs little. */
const MAX_BYTES = 64 * 1024;
const NS_PER_MS = 1_000_000;

beforeAll(async () => {
  nats = await startNats();
  nc = await connectNats({
    servers: nats.url,
    name: 'import-test',
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  // The import stream as the first version of the import created it (one subject per publish): the instance must
  // bring it up to date.
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'DANMAKU_IMPORTS', subjects: ['danmaku.import.*.*'], max_age: 3_600_000 * NS_PER_MS });
  svc = await startService('danmaku', {
    DANMAKU_NATS_URL: nats.url,
    DANMAKU_HOST: '127.0.0.1',
    DANMAKU_HTTP_PORT: '0',
    DANMAKU_GRPC_PORT: '0',
    DANMAKU_JWT_SECRET: JWT_SECRET,
    DANMAKU_IMPORT_MAX_BYTES: String(MAX_BYTES),
  });
  base = `http://127.0.0.1:${svc.port('httpPort')}`;
  client = createClient(onair().danmaku.v1.DanmakuService, `127.0.0.1:${svc.port('grpcPort')}`);
  live = await new Kvm(nc).create('live', { history: 1, ttl: 60_000 });
}, 60_000);

afterAll(async () => {
  client?.close();
  await nc?.close();
  await svc?.stop();
  await nats?.stop();
});

function post(req: danmaku.PostDanmakuRequest): Promise<danmaku.PostDanmakuResponse__Output> {
  return call((cb) => client.PostDanmaku(req, cb));
}

function token(grant: Partial<TokenGrant> & Pick<TokenGrant, 'roles'>): Promise<string> {
  return issueToken(JWT_SECRET, { userId: 'mod-1', name: 'Mod', ...grant }, 3_600_000);
}

/** `POST /api/rooms/<room>/danmaku.xml?publish=<publishId>` as curl sends a file with `--data-binary`. */
function importXml(
  publishId: string,
  body: string,
  { authorization, contentType = 'application/xml', room = ROOM }: Record<string, string | undefined> = {},
): Promise<Response> {
  return fetch(`${base}/api/rooms/${room}/danmaku.xml?publish=${publishId}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) },
    body,
  });
}

async function exportXml(publishId: string): Promise<string> {
  const res = await fetch(`${base}/api/rooms/${ROOM}/danmaku.xml?publish=${publishId}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The `<d>` lines of an export, exactly as sent. */
const dLines = (xml: string): string[] => xml.split('\n').filter((line) => line.startsWith('<d '));

/** Makes `publishId` the room's live publish and waits until the instance has recorded it (its replay answers). */
async function goLive(publishId: string, startedAtMs: number): Promise<void> {
  await live.put(ROOM, JSON.stringify({ publishId, startedAtMs }));
  await waitFor(
    async () => {
      const res = await fetch(`${base}/api/rooms/${ROOM}/danmaku?publish=${publishId}`);
      return res.status === 200;
    },
    { what: `the instance to record publish ${publishId}` },
  );
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === 'd',
});

interface ParsedDanmaku {
  readonly timeS: number;
  readonly mode: number;
  readonly size: number;
  readonly color: number;
  readonly text: string;
}

/** The `<d>` elements of a document as a real XML parser reads them; fails the test when it is not well-formed. */
function parse(xml: string): ParsedDanmaku[] {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = xmlParser.parse(xml) as { i: { d?: { p: string; '#text': string }[] } };
  return (doc.i.d ?? []).map((d) => {
    const p = d.p.split(',');
    return { timeS: Number(p[0]), mode: Number(p[1]), size: Number(p[2]), color: Number(p[3]), text: d['#text'] };
  });
}

describe('Bilibili XML import', () => {
  const posts = [
    { text: '<&>"\'', mode: 'MODE_SCROLL', size: 'SIZE_NORMAL', color: '#ffffff' },
    { text: '<img src=x onerror=alert(1)>', mode: 'MODE_TOP', size: 'SIZE_LARGE', color: '#ff0000' },
    { text: '前方高能 🎉', mode: 'MODE_BOTTOM', size: 'SIZE_SMALL', color: '#00ff00' },
    { text: 'a &amp; b &#60; c', mode: 'MODE_REVERSE', size: 'SIZE_NORMAL', color: '#0000ff' },
    { text: 'black, small, scroll', mode: 'MODE_SCROLL', size: 'SIZE_SMALL', color: '#000000' },
    { text: 'it\'s "quoted"', mode: 'MODE_TOP', size: 'SIZE_NORMAL', color: '#123abc' },
    { text: 'large bottom', mode: 'MODE_BOTTOM', size: 'SIZE_LARGE', color: '#fedcba' },
    { text: 'reverse large', mode: 'MODE_REVERSE', size: 'SIZE_LARGE', color: '#808080' },
  ] as const;
  const bilibiliMode = { MODE_SCROLL: 1, MODE_TOP: 5, MODE_BOTTOM: 4, MODE_REVERSE: 6 } as const;
  const bilibiliSize = { SIZE_SMALL: 18, SIZE_NORMAL: 25, SIZE_LARGE: 36 } as const;
  let moderator: string;
  let archive: string;

  beforeAll(async () => {
    moderator = await token({ roles: ['moderator'], rooms: [ROOM] });
  });

  it('brings an import stream of the first version up to date', async () => {
    const { config } = await (await jetstreamManager(nc)).streams.info('DANMAKU_IMPORTS');
    expect(config).toMatchObject({ subjects: ['danmaku.import.*.*.*'], max_msgs_per_subject: 1 });
  });

  it('exports valid XML with the texts escaped, which imports into a recording as the same danmaku', async () => {
    const startedAtMs = Date.now() - 60_000;
    await goLive(LIVE_PUBLISH, startedAtMs);
    const now = Date.now();
    for (const [i, p] of posts.entries()) {
      const { danmaku: d } = await post({
        room: ROOM,
        name: `poster-${i}`,
        text: p.text,
        mode: p.mode,
        size: p.size,
        color: p.color,
        playheadMs: now - 20_000 + i * 1000,
      });
      expect(d?.publishId).toBe(LIVE_PUBLISH);
    }

    archive = await exportXml(LIVE_PUBLISH);
    expect(archive).toContain('<d p="');
    expect(archive).toContain('>&lt;&amp;&gt;&quot;&apos;</d>');
    expect(archive).toContain('>&lt;img src=x onerror=alert(1)&gt;</d>');
    expect(archive).not.toContain('<img');
    const exported = parse(archive);
    expect(exported).toHaveLength(posts.length);
    for (const [i, p] of posts.entries()) {
      expect(exported[i]).toEqual({
        timeS: expect.closeTo((now - 20_000 + i * 1000 - startedAtMs) / 1000, 3) as number,
        mode: bilibiliMode[p.mode],
        size: bilibiliSize[p.size],
        color: parseInt(p.color.slice(1), 16),
        text: p.text,
      });
    }

    // The recording whose live danmaku were lost: a later publish of the room, with none.
    await goLive(RECORDING, Date.now());
    expect(dLines(await exportXml(RECORDING))).toEqual([]);
    const res = await importXml(RECORDING, archive, { authorization: `Bearer ${moderator}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ imported: posts.length, skipped: 0 });

    const again = await exportXml(RECORDING);
    expect(dLines(again)).toEqual(dLines(archive));
    expect(parse(again)).toEqual(exported);
    expect(again).toContain(`<chatid>${ROOM}.${RECORDING}</chatid>`);

    const replay = await fetch(`${base}/api/rooms/${ROOM}/danmaku?publish=${RECORDING}`);
    const page = (await replay.json()) as { items: Record<string, unknown>[] };
    expect(page.items.map((d) => d.text)).toEqual(posts.map((p) => p.text));
    for (const d of page.items) expect(d).toMatchObject({ imported: true, importedBy: 'mod-1', publishId: RECORDING });
    // Imports stay with their publish: the live one is unchanged.
    expect(dLines(await exportXml(LIVE_PUBLISH))).toEqual(dLines(archive));
  });

  it('keeps each danmaku once when the same document is imported again, by anyone', async () => {
    expect(archive).toBeDefined();
    const broadcaster = await token({ userId: 'owner', name: 'Owner', roles: ['broadcaster'] });
    for (const authorization of [`Bearer ${moderator}`, `Bearer ${broadcaster}`]) {
      const res = await importXml(RECORDING, archive, { authorization });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ imported: posts.length, skipped: 0 });
    }
    expect(dLines(await exportXml(RECORDING))).toEqual(dLines(archive));

    // Past JetStream's duplicate window (2 min; shortened here as an operator could) the message ids no longer
    // drop the copies: the stream's one message per danmaku must.
    const jsm = await jetstreamManager(nc);
    await jsm.streams.update('DANMAKU_IMPORTS', { duplicate_window: 100 * NS_PER_MS });
    await new Promise((r) => setTimeout(r, 300));
    const late = await importXml(RECORDING, archive, { authorization: `Bearer ${broadcaster}` });
    expect(await late.json()).toEqual({ imported: posts.length, skipped: 0 });
    expect(dLines(await exportXml(RECORDING))).toEqual(dLines(archive));
    expect((await jsm.streams.info('DANMAKU_IMPORTS')).state.messages).toBe(posts.length);
  });

  it('adds only what is new when a document holding more is imported', async () => {
    const extra = '<d p="1.25000,1,25,16777215,1767225600,0,abcdef12,424242">只在档案里</d>';
    const bigger = archive.replace('</i>', `${extra}\n</i>`);
    const res = await importXml(RECORDING, bigger, { authorization: `Bearer ${moderator}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ imported: posts.length + 1, skipped: 0 });
    const lines = dLines(await exportXml(RECORDING));
    expect(lines).toHaveLength(posts.length + 1);
    expect(lines[0]).toBe(extra);
  });

  it.each([
    ['no token', undefined],
    ['a malformed header', 'Basic abc'],
    ['a forged token', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.AAAA'],
  ])('refuses %s with 401', async (_what, authorization) => {
    const res = await importXml(RECORDING, '<i></i>', { authorization });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
  });

  it('refuses a viewer, and a moderator of another room, with 403', async () => {
    const viewer = await token({ userId: 'alice', name: 'Alice', roles: ['viewer', 'subscriber', 'vip'] });
    const elsewhere = await token({ roles: ['moderator'], rooms: ['other-room'] });
    for (const t of [viewer, elsewhere]) {
      const res = await importXml(RECORDING, archive, { authorization: `Bearer ${t}` });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(await res.json()).toMatchObject({ error: 'PERMISSION_DENIED' });
    }
  });

  it('refuses a document over DANMAKU_IMPORT_MAX_BYTES with 413, storing nothing', async () => {
    const stored = dLines(await exportXml(RECORDING));
    const padding = `<d p="1,1,25,16777215,0,0,0,1">${'x'.repeat(90)}</d>\n`.repeat(Math.ceil(MAX_BYTES / 100));
    const res = await importXml(RECORDING, `<?xml version="1.0"?>\n<i>\n${padding}</i>\n`, {
      authorization: `Bearer ${moderator}`,
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toMatchObject({ error: 'PAYLOAD_TOO_LARGE' });
    expect(dLines(await exportXml(RECORDING))).toEqual(stored);
  });

  it('answers 404 for a publish it never saw and 400 for a bad publish id', async () => {
    const unknown = await importXml(UNKNOWN_PUBLISH, archive, { authorization: `Bearer ${moderator}` });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('access-control-allow-origin')).toBe('*');
    expect(await unknown.json()).toMatchObject({ error: 'NOT_FOUND' });
    const bad = await importXml('not-a-publish', archive, { authorization: `Bearer ${moderator}` });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe('*');
    expect(await bad.json()).toMatchObject({ error: 'INVALID_ARGUMENT', field: 'publish' });
  });

  it.each([
    ['another root', '<?xml version="1.0"?><root><d p="1,1,25,0,0,0,0,1">x</d></root>'],
    ['malformed XML', '<i><d p="1,1,25,0,0,0,0,1">x</i>'],
    ['no XML at all', '{"danmaku":[]}'],
    ['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE i [<!ENTITY x "y">]><i><d p="1,1,25,0,0,0,0,1">&x;</d></i>'],
  ])('answers 400 naming xml for %s, storing nothing', async (_what, body) => {
    const stored = dLines(await exportXml(RECORDING));
    const res = await importXml(RECORDING, body, { authorization: `Bearer ${moderator}` });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toMatchObject({ error: 'INVALID_ARGUMENT', field: 'xml' });
    expect(dLines(await exportXml(RECORDING))).toEqual(stored);
  });

  it.each([
    ['as curl --data-binary sends it', 'application/x-www-form-urlencoded'],
    ['as text', 'text/plain;charset=UTF-8'],
    ['as JSON', 'application/json'],
  ])('reads the body %s as the document', async (_what, contentType) => {
    const res = await importXml(RECORDING, archive, { authorization: `Bearer ${moderator}`, contentType });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ imported: posts.length, skipped: 0 });
  });

  it('answers 400 naming xml for an empty body', async () => {
    const res = await fetch(`${base}/api/rooms/${ROOM}/danmaku.xml?publish=${RECORDING}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${moderator}` },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toMatchObject({ error: 'INVALID_ARGUMENT', field: 'xml' });
  });
});
