import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readFlv } from './flv-reader.js';
import {
  FLV_TAG_TYPE,
  flvHeader,
  flvTag,
  isAacSequenceHeader,
  isAvcSequenceHeader,
  isVideoKeyframe,
  onMetaDataBody,
} from './flv-tag.js';

const run = promisify(execFile);

describe('FLV writing (FLV spec v10.1 §E.2-§E.4)', () => {
  it.each([
    { tracks: { audio: true, video: true }, hex: '464c5601050000000900000000' },
    { tracks: { audio: true, video: false }, hex: '464c5601040000000900000000' },
    { tracks: { audio: false, video: true }, hex: '464c5601010000000900000000' },
  ])('writes the header and PreviousTagSize0 for $tracks', ({ tracks, hex }) => {
    expect(flvHeader(tracks).toString('hex')).toBe(hex);
  });

  it.each([
    {
      type: FLV_TAG_TYPE.VIDEO,
      ts: 0,
      body: 'aabb',
      hex: '09' + '000002' + '000000' + '00' + '000000' + 'aabb' + '0000000d',
    },
    {
      type: FLV_TAG_TYPE.AUDIO,
      ts: 0x123456,
      body: 'cc',
      hex: '08' + '000001' + '123456' + '00' + '000000' + 'cc' + '0000000c',
    },
    {
      type: FLV_TAG_TYPE.SCRIPT,
      ts: 0x89abcdef,
      body: '',
      hex: '12' + '000000' + 'abcdef' + '89' + '000000' + '0000000b',
    },
  ])('writes a type $type tag at $ts ms (TimestampExtended for the upper byte)', ({ type, ts, body, hex }) => {
    expect(flvTag(type, ts, Buffer.from(body, 'hex')).toString('hex')).toBe(hex);
    const back = readFlv(
      Buffer.concat([flvHeader({ audio: true, video: true }), flvTag(type, ts, Buffer.from(body, 'hex'))]),
    );
    expect(back.tags).toEqual([{ type, timestampMs: ts, body: Buffer.from(body, 'hex') }]);
  });

  it('refuses a body larger than DataSize can say', () => {
    expect(() => flvTag(FLV_TAG_TYPE.VIDEO, 0, Buffer.alloc(0x1000000))).toThrow(RangeError);
  });

  it.each([
    { body: '1700000000', avcHeader: true, key: true, aacHeader: false },
    { body: '1701000000', avcHeader: false, key: true, aacHeader: false },
    { body: '2701000000', avcHeader: false, key: false, aacHeader: false },
    { body: 'af001190', avcHeader: false, key: false, aacHeader: true },
    { body: 'af01aa', avcHeader: false, key: false, aacHeader: false },
    { body: '2f00', avcHeader: false, key: false, aacHeader: false },
    { body: '17', avcHeader: false, key: true, aacHeader: false },
    { body: '', avcHeader: false, key: false, aacHeader: false },
  ])('classifies $body', ({ body, avcHeader, key, aacHeader }) => {
    const b = Buffer.from(body, 'hex');
    expect({ avcHeader: isAvcSequenceHeader(b), key: isVideoKeyframe(b), aacHeader: isAacSequenceHeader(b) }).toEqual({
      avcHeader,
      key,
      aacHeader,
    });
  });

  it('writes onMetaData as "onMetaData" + an ECMA array', () => {
    const hex = onMetaDataBody({ w: 1 }).toString('hex');
    expect(hex).toBe('02000a6f6e4d65746144617461' + '0800000001' + '000177' + '003ff0000000000000' + '000009');
  });

  it('re-muxes ffmpeg FLV tags into an FLV that ffprobe reads with the same streams, packets and metadata', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onair-flv-'));
    try {
      const source = join(dir, 'in.flv');
      await run('ffmpeg', [
        ...[
          '-hide_banner',
          '-loglevel',
          'error',
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=96x64:rate=25',
          '-f',
          'lavfi',
          '-i',
          'sine',
          '-t',
          '1',
        ],
        ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'flv', source],
      ]);
      const original = readFlv(await readFile(source));
      const media = original.tags.filter((t) => t.type !== FLV_TAG_TYPE.SCRIPT);
      const rewritten = join(dir, 'out.flv');
      const meta = { width: 96, height: 64, framerate: 25, encoder: 'onair-test', comment: 'written by flvTag' };
      await writeFile(
        rewritten,
        Buffer.concat([
          flvHeader({ audio: true, video: true }),
          flvTag(FLV_TAG_TYPE.SCRIPT, 0, onMetaDataBody(meta)),
          ...media.map((t) => flvTag(t.type, t.timestampMs, t.body)),
        ]),
      );
      const probe = async (
        path: string,
      ): Promise<{ streams: unknown[]; packets: number; tags: Record<string, string> }> => {
        const { stdout } = await run('ffprobe', [
          '-v',
          'error',
          '-count_packets',
          '-show_streams',
          '-show_format',
          '-of',
          'json',
          path,
        ]);
        const j = JSON.parse(stdout) as {
          streams: Array<Record<string, unknown>>;
          format: { tags?: Record<string, string> };
        };
        return {
          streams: j.streams.map((s) => [s.codec_name, s.profile, s.width, s.sample_rate]),
          packets: j.streams.reduce((n, s) => n + Number(s.nb_read_packets), 0),
          tags: j.format.tags ?? {},
        };
      };
      const [a, b] = await Promise.all([probe(source), probe(rewritten)]);
      expect(b.streams).toEqual(a.streams);
      expect(b.packets).toBe(a.packets);
      expect(b.tags).toMatchObject({ encoder: 'onair-test', comment: 'written by flvTag' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
