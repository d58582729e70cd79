import { RtmpProtocolError } from './protocol-error.js';

/** AMF0 type markers (AMF0 spec §2.1). */
export const AMF0_MARKER = {
  NUMBER: 0x00,
  BOOLEAN: 0x01,
  STRING: 0x02,
  OBJECT: 0x03,
  MOVIECLIP: 0x04,
  NULL: 0x05,
  UNDEFINED: 0x06,
  REFERENCE: 0x07,
  ECMA_ARRAY: 0x08,
  OBJECT_END: 0x09,
  STRICT_ARRAY: 0x0a,
  DATE: 0x0b,
  LONG_STRING: 0x0c,
  UNSUPPORTED: 0x0d,
  RECORDSET: 0x0e,
  XML_DOCUMENT: 0x0f,
  TYPED_OBJECT: 0x10,
  AVMPLUS_OBJECT: 0x11,
} as const;

/**
 * A decoded AMF0 value. Numbers, booleans, strings (short and long, §2.4/§2.14), null, undefined and dates
 * (§2.13, time zone ignored as the spec asks) map to their JavaScript forms; anonymous and typed objects
 * (§2.5/§2.18) to {@link Amf0Object}; ECMA arrays (§2.10) to {@link Amf0EcmaArray}; strict arrays (§2.12) to arrays.
 */
export type Amf0Value = number | boolean | string | null | undefined | Date | Amf0Value[] | Amf0Object | Amf0EcmaArray;

/** An AMF0 anonymous object: property name → value. Decoded objects have a null prototype. */
export interface Amf0Object {
  [name: string]: Amf0Value;
}

/** An AMF0 ECMA array (AMF0 spec §2.10): an associative array, the form `onMetaData` usually arrives in. */
export class Amf0EcmaArray {
  constructor(readonly properties: Amf0Object) {}
}

/** Creates an empty object with a null prototype, so decoded names like "__proto__" stay plain properties. */
export function emptyAmf0Object(): Amf0Object {
  return Object.create(null) as Amf0Object;
}

/** True for an anonymous object (not null, an array, a date or an ECMA array). */
export function isAmf0Object(value: Amf0Value): value is Amf0Object {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Amf0EcmaArray)
  );
}

/** Bounds of {@link toPlainValue}'s output, counted with every reference expanded. */
export interface PlainValueLimits {
  /** Values (objects, arrays and scalars alike). @default 10000 */
  readonly maxValues: number;
  /** Nesting depth of objects and arrays. @default 32 */
  readonly maxDepth: number;
  /** Characters (UTF-16 code units) of strings and property names together. @default 1048576 */
  readonly maxTextLength: number;
}

/** What {@link toPlainValue} allows by default: far above any encoder's onMetaData (a few dozen values). */
export const PLAIN_VALUE_LIMITS: PlainValueLimits = { maxValues: 10_000, maxDepth: 32, maxTextLength: 1 << 20 };

/**
 * Converts a decoded value to plain JavaScript data: ECMA arrays and objects become plain objects (built with
 * `Object.fromEntries`, so no name can reach a prototype), arrays are converted item by item.
 *
 * Reference markers (AMF0 spec §2.9) let a few hundred bytes name the same object twice at every level, which
 * expands exponentially (or forever, for an object that references itself), so the output is bounded: it
 * stops at `limits`, checked as it is built, and the work done is at most that much.
 * @throws RtmpProtocolError when the expanded value passes a limit (the message is treated as malformed).
 */
export function toPlainValue(value: Amf0Value, limits: PlainValueLimits = PLAIN_VALUE_LIMITS): unknown {
  const budget = { values: limits.maxValues, text: limits.maxTextLength };
  const text = (s: string): string => {
    budget.text -= s.length;
    if (budget.text < 0) throw new RtmpProtocolError(`AMF0 value expands to over ${limits.maxTextLength} characters`);
    return s;
  };
  const plain = (v: Amf0Value, depth: number): unknown => {
    if (--budget.values < 0) throw new RtmpProtocolError(`AMF0 value expands to over ${limits.maxValues} values`);
    if (typeof v === 'string') return text(v);
    const inner = v instanceof Amf0EcmaArray ? v.properties : v;
    if (!Array.isArray(inner) && !isAmf0Object(inner)) return inner;
    if (depth >= limits.maxDepth) throw new RtmpProtocolError(`AMF0 value nests deeper than ${limits.maxDepth}`);
    if (Array.isArray(inner)) return inner.map((item) => plain(item, depth + 1));
    return Object.fromEntries(Object.entries(inner).map(([k, item]) => [text(k), plain(item, depth + 1)]));
  };
  return plain(value, 0);
}
