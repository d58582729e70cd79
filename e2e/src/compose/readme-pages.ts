import { waitFor } from '@onair/testing';
import type { Page } from 'playwright-core';

/**
 * The video's playhead on the watch page `page`, s, once it has advanced by `advanceS` from the first time it was
 * past 0: proof that the page plays, not only that it loaded.
 * @returns the playhead at the first and at the last look. @throws Error after `timeoutMs`.
 */
export async function waitForPlayback(
  page: Page,
  timeoutMs: number,
  advanceS = 1,
): Promise<{ fromS: number; toS: number }> {
  const playhead = (): Promise<number> => page.evaluate(() => document.querySelector('video')?.currentTime ?? 0);
  const fromS = await waitFor(async () => (await playhead()) || undefined, {
    what: 'the watch page to start playing',
    timeoutMs,
    intervalMs: 100,
  });
  const toS = await waitFor(async () => ((s) => (s >= fromS + advanceS ? s : undefined))(await playhead()), {
    what: `the watch page's playhead to advance ${advanceS} s`,
    timeoutMs,
    intervalMs: 100,
  });
  return { fromS, toS };
}

/**
 * Records on `page` when each text first appears in an element matching `selector` under the element with id
 * `containerId` (a MutationObserver: the danmaku overlay or the chat list), as the page's `Date.now()`; read with
 * {@link firstSeenAtMs}.
 */
export async function watchTexts(page: Page, containerId: string, selector: string): Promise<void> {
  await page.evaluate(
    ([id, sel]) => {
      const w = window as unknown as { seenAtMs?: Record<string, Record<string, number>> };
      const seen: Record<string, number> = {};
      (w.seenAtMs ??= {})[id] = seen;
      const container = document.getElementById(id)!;
      new MutationObserver(() => {
        for (const el of Array.from(container.querySelectorAll(sel))) seen[el.textContent ?? ''] ??= Date.now();
      }).observe(container, { childList: true, subtree: true });
    },
    [containerId, selector] as const,
  );
}

/**
 * When `text` first appeared under the element with id `containerId` of `page`, which {@link watchTexts} watches,
 * in unix epoch ms of the page's clock (the machine's, as the test's `Date.now()`).
 * @throws Error when it has not appeared within `timeoutMs`.
 */
export function firstSeenAtMs(page: Page, containerId: string, text: string, timeoutMs: number): Promise<number> {
  return waitFor(
    () =>
      page.evaluate(
        ([id, t]) =>
          (window as unknown as { seenAtMs: Record<string, Record<string, number | undefined>> }).seenAtMs[id]![t],
        [containerId, text] as const,
      ),
    { what: `"${text}" under #${containerId}`, timeoutMs, intervalMs: 20 },
  );
}
