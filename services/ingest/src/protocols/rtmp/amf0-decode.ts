import { AMF0_MARKER, Amf0EcmaArray, emptyAmf0Object, type Amf0Object, type Amf0Value } from './amf0.js';
import { RtmpProtocolError } from './protocol-error.js';

/** Nesting depth of objects and arrays past which a payload counts as hostile. */
const MAX_DEPTH = 32;

/**
 * Decodes every AMF0 value in `payload` (AMF0 spec §2), as in an RTMP command or data message body.
 * @throws RtmpProtocolError for truncated input, unknown or reserved markers, AMF3 switches (§3.1) and
 * nesting deeper than 32.
 */
export function decodeAmf0(payload: Buffer): Amf0Value[] {
  const reader = new Amf0Reader(payload);
  const values: Amf0Value[] = [];
  while (!reader.done) values.push(reader.value(0));
  return values;
}

class Amf0Reader {
  private pos = 0;
  /** Complex values in order of appearance, for reference markers (AMF0 spec §2.9). */
  private readonly references: Amf0Value[] = [];

  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  value(depth: number): Amf0Value {
    if (depth > MAX_DEPTH) throw new RtmpProtocolError(`AMF0 nesting deeper than ${MAX_DEPTH}`);
    const marker = this.u8();
    switch (marker) {
      case AMF0_MARKER.NUMBER:
        return this.f64();
      case AMF0_MARKER.BOOLEAN:
        return this.u8() !== 0;
      case AMF0_MARKER.STRING:
        return this.utf8(this.u16());
      case AMF0_MARKER.LONG_STRING:
      case AMF0_MARKER.XML_DOCUMENT:
        return this.utf8(this.u32());
      case AMF0_MARKER.NULL:
        return null;
      case AMF0_MARKER.UNDEFINED:
      case AMF0_MARKER.UNSUPPORTED:
        return undefined;
      case AMF0_MARKER.DATE: {
        const ms = this.f64();
        this.take(2); // time zone: reserved, "SHOULD be set to 0x0000" and ignored (§2.13)
        return new Date(ms);
      }
      case AMF0_MARKER.OBJECT:
        return this.properties(this.register(emptyAmf0Object()), depth);
      case AMF0_MARKER.TYPED_OBJECT:
        this.utf8(this.u16()); // class name: not kept, the object reads as anonymous
        return this.properties(this.register(emptyAmf0Object()), depth);
      case AMF0_MARKER.ECMA_ARRAY: {
        this.u32(); // associative count: a hint only, the end marker terminates (§2.10)
        const arr = this.register(new Amf0EcmaArray(emptyAmf0Object()));
        this.properties(arr.properties, depth);
        return arr;
      }
      case AMF0_MARKER.STRICT_ARRAY: {
        const count = this.u32();
        if (count > this.buf.length - this.pos)
          throw new RtmpProtocolError(`AMF0 strict array of ${count} items in ${this.buf.length - this.pos} bytes`);
        const items = this.register<Amf0Value[]>([]);
        for (let i = 0; i < count; i++) items.push(this.value(depth + 1));
        return items;
      }
      case AMF0_MARKER.REFERENCE: {
        const index = this.u16();
        if (index >= this.references.length) throw new RtmpProtocolError(`AMF0 reference ${index} to nothing`);
        return this.references[index];
      }
      case AMF0_MARKER.AVMPLUS_OBJECT:
        throw new RtmpProtocolError('AMF3 values are not supported');
      default:
        throw new RtmpProtocolError(`AMF0 marker 0x${marker.toString(16)} is not supported`);
    }
  }

  /** Reads `name value` pairs up to the empty name + object-end marker (§2.5). */
  private properties(target: Amf0Object, depth: number): Amf0Object {
    for (;;) {
      const name = this.utf8(this.u16());
      if (name === '' && this.buf[this.pos] === AMF0_MARKER.OBJECT_END) {
        this.pos++;
        return target;
      }
      target[name] = this.value(depth + 1);
    }
  }

  private register<T extends Amf0Value>(value: T): T {
    this.references.push(value);
    return value;
  }

  private take(n: number): number {
    if (this.pos + n > this.buf.length) throw new RtmpProtocolError(`AMF0 value truncated at byte ${this.pos}`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private u8(): number {
    return this.buf.readUInt8(this.take(1));
  }

  private u16(): number {
    return this.buf.readUInt16BE(this.take(2));
  }

  private u32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }

  private f64(): number {
    return this.buf.readDoubleBE(this.take(8));
  }

  private utf8(length: number): string {
    const at = this.take(length);
    return this.buf.toString('utf8', at, at + length);
  }
}
