import { ffprobe, waitFor } from '@onair/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchText, waitForEndlist, waitForLadder } from './hls-waits.js';
import { startMediaStack, type MediaStack } from './media-stack.js';
import { launchObs, OBS_FLASH_VER, requireObs, type ObsRun } from './obs.js';

const ROOM = 'obs-room';
const LOOPBACK = '127.0.0.1';
const [WIDTH, HEIGHT] = [640, 360];
const STREAM_MS = 30_000;

/**
 * Where a media playlist has got to: its EXT-X-MEDIA-SEQUENCE (RFC 8216 §4.3.3.2), the media sequence number of its
 * last complete segment (one EXTINF each), and the URI of its last EXT-X-PART (draft-pantos-hls-rfc8216bis §4.4.4.9).
 */
function playlistPosition(playlist: string): { mediaSequence: number; lastSegment: number; lastPart?: string } {
  const mediaSequence = Number(/^#EXT-X-MEDIA-SEQUENCE:(\d+)$/m.exec(playlist)?.[1] ?? NaN);
  const segments = playlist.match(/^#EXTINF:/gm)?.length ?? 0;
  const parts = [...playlist.matchAll(/^#EXT-X-PART:.*URI="([^"]+)"/gm)];
  return { mediaSequence, lastSegment: mediaSequence + segments - 1, lastPart: parts.at(-1)?.[1] };
}

/** The EXT-X-STREAM-INF attributes of the variant whose URI is `uri` (RFC 8216 §4.3.4.2). */
function variantOf(master: string, uri: string): string {
  const lines = master.split('\n');
  return lines[lines.indexOf(uri) - 1] ?? '';
}

describe('OBS Studio (Debian’s, headless under Xvfb, x264) publishing to ingest for 30 s', () => {
  let stack: MediaStack | undefined;
  let obs: ObsRun | undefined;
  let publishStartedAt: number;
  const hls = (path: string): string => stack?.hls(path) ?? '';
  const ingestLogs = (): Array<Record<string, unknown>> => stack?.ingest.logs() ?? [];
  const rtmpPort = (): number => stack?.ingest.port('rtmpPort') ?? 0;
  const roomLogs = (msg: string): Array<Record<string, unknown>> =>
    ingestLogs().filter((l) => l.msg === msg && l.room === ROOM);

  beforeAll(async () => {
    requireObs();
    stack = await startMediaStack(ROOM, 'source,240p=426x240@300k');
    const { streamKey } = stack;
    obs = launchObs({
      server: `rtmp://${LOOPBACK}:${rtmpPort()}/live`,
      streamKey,
      width: WIDTH,
      height: HEIGHT,
    });
  }, 60_000);

  beforeEach(({ onTestFailed }) => onTestFailed(() => console.error(`OBS output:\n${obs?.output() ?? '(none)'}`)));

  afterAll(async () => {
    await obs?.stop();
    await stack?.stop();
  }, 40_000);

  it('publishes to the room, sending OBS’s connect flashVer', async () => {
    const started = await waitFor(() => roomLogs('publish started')[0], {
      timeoutMs: 30_000,
      what: 'ingest to log the publish of OBS',
    });
    publishStartedAt = Date.parse(String(started.time));
    expect(started.encoder).toBe(OBS_FLASH_VER);
    const output = obs?.output() ?? '';
    expect(output).toContain(`Connection to rtmp://${LOOPBACK}:${rtmpPort()}/live successful`);
    expect(output).toMatch(/\[x264 encoder: '\w+'\] settings:[\s\S]*keyint:\s+60\b/);
  }, 40_000);

  it('lists the source at OBS’s output size, H.264 and AAC, and the 240p transcode in the master playlist', async () => {
    const master = await waitForLadder(hls('master.m3u8'), 20_000, ['source', '240p']);
    const source = variantOf(master, 'source/index.m3u8');
    expect(source).toMatch(/CODECS="avc1\.[0-9a-fA-F]{6},mp4a\.40\.2"/);
    expect(source).toContain(`RESOLUTION=${WIDTH}x${HEIGHT}`);
    expect(source).toMatch(/FRAME-RATE=30\.000/);
    expect(variantOf(master, '240p/index.m3u8')).toContain('RESOLUTION=426x240');
  }, 30_000);

  it('keeps the source playlist advancing, part by part, until OBS has streamed 30 s', async () => {
    expect(publishStartedAt, 'the publish start logged by ingest').toBeGreaterThan(0);
    const samples: Array<{ at: number } & ReturnType<typeof playlistPosition>> = [];
    while (Date.now() < publishStartedAt + STREAM_MS) {
      const playlist = await fetchText(hls('source/index.m3u8'));
      expect(playlist).toBeDefined();
      expect(playlist).not.toContain('#EXT-X-ENDLIST');
      expect(playlist).not.toContain('#EXT-X-DISCONTINUITY\n');
      samples.push({ at: Date.now(), ...playlistPosition(playlist ?? '') });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const [first, last] = [samples[0]!, samples.at(-1)!];
    const spanS = (last.at - first.at) / 1000;
    let longestStillMs = 0;
    let since = first;
    for (const s of samples) {
      if (s.lastPart !== since.lastPart) since = s;
      longestStillMs = Math.max(longestStillMs, s.at - since.at);
    }
    console.info(
      `OBS: ${samples.length} playlist reads over ${spanS.toFixed(1)} s, ${last.lastSegment - first.lastSegment} new ` +
        `segments, media sequence +${last.mediaSequence - first.mediaSequence}, longest without a new part ${longestStillMs} ms`,
    );
    expect(spanS).toBeGreaterThanOrEqual(15);
    // Segments of 2 s (OBS's 2 s keyframe interval): one per 2 s, give or take the one open at either end; the media
    // sequence moves once the window (RELAY_WINDOW_SEGMENTS, 6) is full, about 12 s after the publish started.
    expect(last.lastSegment - first.lastSegment).toBeGreaterThanOrEqual(Math.floor(spanS / 2) - 2);
    expect(last.mediaSequence).toBeGreaterThan(first.mediaSequence);
    expect(longestStillMs).toBeLessThan(3000);
    expect(roomLogs('publish started')).toHaveLength(1);
    expect(roomLogs('publish continued')).toHaveLength(0);
  }, 60_000);

  it('serves H.264 and AAC that ffprobe reads, at OBS’s output size and in the 240p transcode', async () => {
    const source = await ffprobe(hls('source/index.m3u8'));
    expect(source.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(source.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: WIDTH, height: HEIGHT });
    expect(source.streams.find((s) => s.codec_type === 'audio')).toMatchObject({ sample_rate: '48000', channels: 2 });
    const rendition = await ffprobe(hls('240p/index.m3u8'));
    expect(rendition.streams.find((s) => s.codec_type === 'video')).toMatchObject({
      codec_name: 'h264',
      width: 426,
      height: 240,
    });
  }, 40_000);

  it('ends the publish when OBS stops streaming and quits on SIGINT, the playlist closed', async () => {
    // OBS can take over 10 s to stop the output and quit on a busy 2-core machine (seen in CI).
    expect(await obs?.stop(25_000)).toBe(0);
    const ended = await waitFor(() => roomLogs('publish ended')[0], { timeoutMs: 10_000, what: 'publish ended' });
    expect(ended.reason).toMatch(/^(FCUnpublish|deleteStream|closeStream)$/);
    await waitForEndlist(hls('source/index.m3u8'), 15_000);
    const source = await ffprobe(hls('source/index.m3u8'));
    expect(source.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Number(source.format.duration)).toBeGreaterThanOrEqual(10);
  }, 60_000);
});
