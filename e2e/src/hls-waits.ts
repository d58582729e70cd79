import { waitFor } from '@onair/testing';

/** What monitoring's `GET /api/status` answers, as far as the end-to-end suites read it. */
export interface ApiStatus {
  services: Array<{ name: string; health: string }>;
  streams: Array<{ room: string; live: boolean; renditions: Array<{ name: string; bitrateKbps: number }> }>;
}

/** The body of a 2xx answer to GET `url`, or undefined for any other answer or a failed connection. */
export async function fetchText(url: string): Promise<string | undefined> {
  const res = await fetch(url).catch(() => undefined);
  return res?.ok ? res.text() : undefined;
}

/**
 * Waits until the master playlist at `url` lists the media playlists of `renditions` (by default the default
 * ladder: `source/` and `480p/`).
 * @returns the playlist text. @throws Error after `timeoutMs`.
 */
export function waitForLadder(
  url: string,
  timeoutMs: number,
  renditions: readonly string[] = ['source', '480p'],
): Promise<string> {
  return waitFor(
    async () => {
      const text = await fetchText(url);
      return text && renditions.every((r) => text.includes(`${r}/index.m3u8`)) ? text : undefined;
    },
    { timeoutMs, what: `master playlist ${url}` },
  );
}

/** Waits until the media playlist at `url` is closed with #EXT-X-ENDLIST (RFC 8216 §4.3.3.4). @throws Error after `timeoutMs`. */
export async function waitForEndlist(url: string, timeoutMs: number): Promise<void> {
  await waitFor(async () => (await fetchText(url))?.includes('#EXT-X-ENDLIST'), {
    timeoutMs,
    what: `ENDLIST in ${url}`,
  });
}

/**
 * Waits until monitoring at `statusUrl` (its `/api/status`) shows every polled service SERVING and `room` live
 * with a rendition whose bit rate is above 0. @returns that status. @throws Error after `timeoutMs`.
 */
export function waitForLiveStatus(statusUrl: string, room: string, timeoutMs: number): Promise<ApiStatus> {
  return waitFor(
    async () => {
      const res = await fetch(statusUrl).catch(() => undefined);
      if (!res?.ok) return undefined;
      const body = (await res.json()) as ApiStatus;
      const stream = body.streams.find((s) => s.room === room);
      const healthy = body.services.length > 0 && body.services.every((s) => s.health === 'SERVING');
      return healthy && stream?.live && stream.renditions.some((r) => r.bitrateKbps > 0) ? body : undefined;
    },
    { timeoutMs, what: `every service SERVING and ${room} live in ${statusUrl}` },
  );
}
