import { OnairError } from '@onair/runtime';
import type { SkipRequest } from './media-playlist.js';

/** The Delivery Directives of a media playlist request (rfc8216bis §6.2.5): `_HLS_msn`, `_HLS_part`, `_HLS_skip`. */
export interface DeliveryDirectives {
  /** `_HLS_msn`: block until the playlist holds this media sequence number (or part `part` of it). */
  readonly msn?: number | undefined;
  /** `_HLS_part`: the part index within `msn`. */
  readonly part?: number | undefined;
  /** `_HLS_skip`: answer with a Playlist Delta Update. */
  readonly skip?: SkipRequest | undefined;
}

/** Where a rendition's playlist ends now: what a blocking request is compared with. */
export interface LiveEdge {
  /** Media sequence number and part index of the last part; undefined before the first part. */
  readonly lastPart: { readonly msn: number; readonly index: number } | undefined;
  /** Media sequence number of the last complete segment; undefined before the first one ends. */
  readonly lastSegmentMsn: number | undefined;
  /** Parts of a segment, about: target segment duration over part target duration. */
  readonly partsPerSegment: number;
}

/** What a blocking request gets now (rfc8216bis §6.2.5.2). */
export type BlockingVerdict = 'ready' | 'wait' | 'too-far';

const INTEGER = /^\d{1,15}$/;

function integer(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !INTEGER.test(value))
    throw new OnairError('INVALID_ARGUMENT', `${name} must be a non-negative integer`, { field: name });
  return Number(value);
}

/**
 * Reads the Delivery Directives from a request's query (rfc8216bis §6.2.5); other `_HLS_` parameters and any other
 * query parameter are ignored.
 * @throws OnairError INVALID_ARGUMENT (HTTP 400) for a value that is not a non-negative integer (`_HLS_msn`,
 * `_HLS_part`) or not YES/v2 (`_HLS_skip`), for a repeated directive, and for `_HLS_part` without `_HLS_msn`
 * (§6.2.5.2).
 */
export function parseDeliveryDirectives(query: Readonly<Record<string, unknown>>): DeliveryDirectives {
  const msn = integer(query._HLS_msn, '_HLS_msn');
  const part = integer(query._HLS_part, '_HLS_part');
  if (part !== undefined && msn === undefined)
    throw new OnairError('INVALID_ARGUMENT', '_HLS_part needs _HLS_msn', { field: '_HLS_part' });
  const skip = query._HLS_skip;
  if (skip !== undefined && skip !== 'YES' && skip !== 'v2')
    throw new OnairError('INVALID_ARGUMENT', '_HLS_skip must be YES or v2', { field: '_HLS_skip' });
  return { msn, part, skip };
}

/**
 * The Advance Part Limit (rfc8216bis §6.2.5.2): how many parts beyond the last one a request may ask for: three
 * divided by the Part Target Duration (s) when that is under one second, else three.
 */
export function advancePartLimit(partTargetMs: number): number {
  return partTargetMs < 1000 ? Math.floor(3000 / partTargetMs) : 3;
}

/**
 * Decides a blocking request against the live edge (rfc8216bis §6.2.5.2). `_HLS_msn` alone is satisfied once a
 * complete segment with that media sequence number or a later one is listed; with `_HLS_part`, once that part of
 * that segment or a later part is listed (a part index beyond a segment's last part means part 0 of the next
 * segment, so any part of a later segment satisfies it). "too-far": `_HLS_msn` beyond the last segment plus two,
 * or the part beyond the last one by more than the Advance Part Limit, which the caller answers 400 at once.
 */
export function blockingVerdict(d: DeliveryDirectives, edge: LiveEdge, partTargetMs: number): BlockingVerdict {
  if (d.msn === undefined) return 'ready';
  const lastMsn = edge.lastPart?.msn ?? edge.lastSegmentMsn ?? -1;
  if (d.msn > lastMsn + 2) return 'too-far';
  if (d.part === undefined) return (edge.lastSegmentMsn ?? -1) >= d.msn ? 'ready' : 'wait';
  const last = edge.lastPart;
  if (last && (last.msn > d.msn || (last.msn === d.msn && last.index >= d.part))) return 'ready';
  const lastIndex = last?.index ?? -1;
  const ahead = (d.msn - lastMsn) * edge.partsPerSegment + d.part - lastIndex;
  return ahead > advancePartLimit(partTargetMs) ? 'too-far' : 'wait';
}
