import { AMF0_MARKER, Amf0EcmaArray, type Amf0Object, type Amf0Value } from './amf0.js';

const MAX_SHORT_STRING_BYTES = 0xffff;

/**
 * Encodes values one after another in AMF0 (AMF0 spec §2), the body of an RTMP command or data message.
 * Strings over 65535 UTF-8 bytes become long strings (§2.14); dates are written with time zone 0 (§2.13).
 * @throws RangeError for an object property name over 65535 bytes (a bug: names are ours).
 */
export function encodeAmf0(...values: Amf0Value[]): Buffer {
  const out: Buffer[] = [];
  for (const v of values) writeValue(out, v);
  return Buffer.concat(out);
}

function writeValue(out: Buffer[], value: Amf0Value): void {
  if (value === undefined) {
    out.push(Buffer.of(AMF0_MARKER.UNDEFINED));
  } else if (value === null) {
    out.push(Buffer.of(AMF0_MARKER.NULL));
  } else if (typeof value === 'number') {
    const b = Buffer.alloc(9);
    b[0] = AMF0_MARKER.NUMBER;
    b.writeDoubleBE(value, 1);
    out.push(b);
  } else if (typeof value === 'boolean') {
    out.push(Buffer.of(AMF0_MARKER.BOOLEAN, value ? 1 : 0));
  } else if (typeof value === 'string') {
    writeString(out, value);
  } else if (value instanceof Date) {
    const b = Buffer.alloc(11);
    b[0] = AMF0_MARKER.DATE;
    b.writeDoubleBE(value.getTime(), 1);
    b.writeInt16BE(0, 9);
    out.push(b);
  } else if (Array.isArray(value)) {
    const head = Buffer.alloc(5);
    head[0] = AMF0_MARKER.STRICT_ARRAY;
    head.writeUInt32BE(value.length, 1);
    out.push(head);
    for (const item of value) writeValue(out, item);
  } else if (value instanceof Amf0EcmaArray) {
    const head = Buffer.alloc(5);
    head[0] = AMF0_MARKER.ECMA_ARRAY;
    head.writeUInt32BE(Object.keys(value.properties).length, 1);
    out.push(head);
    writeProperties(out, value.properties);
  } else {
    out.push(Buffer.of(AMF0_MARKER.OBJECT));
    writeProperties(out, value);
  }
}

function writeString(out: Buffer[], value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= MAX_SHORT_STRING_BYTES) {
    const head = Buffer.alloc(3);
    head[0] = AMF0_MARKER.STRING;
    head.writeUInt16BE(bytes.length, 1);
    out.push(head, bytes);
  } else {
    const head = Buffer.alloc(5);
    head[0] = AMF0_MARKER.LONG_STRING;
    head.writeUInt32BE(bytes.length, 1);
    out.push(head, bytes);
  }
}

/** Writes `name value` pairs and the object-end marker (AMF0 spec §2.5, §2.11). */
function writeProperties(out: Buffer[], properties: Amf0Object): void {
  for (const [name, v] of Object.entries(properties)) {
    const key = Buffer.from(name, 'utf8');
    if (key.length > MAX_SHORT_STRING_BYTES) throw new RangeError(`AMF0 property name of ${key.length} bytes`);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(key.length, 0);
    out.push(len, key);
    writeValue(out, v);
  }
  out.push(Buffer.of(0x00, 0x00, AMF0_MARKER.OBJECT_END));
}
