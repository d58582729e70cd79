/**
 * A fixed-capacity ring of numbers (a Float64Array, 8 bytes a slot): pushing onto a full ring overwrites the
 * oldest value, so memory never grows past `capacity × 8` bytes.
 */
export class RingBuffer {
  readonly #values: Float64Array;
  #start = 0;
  #length = 0;

  /** @throws RangeError when `capacity` is not a positive integer. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity ${capacity} is not >= 1`);
    this.#values = new Float64Array(capacity);
  }

  /** How many values the ring holds, at most `capacity`. */
  get length(): number {
    return this.#length;
  }

  /** Appends `value`, dropping the oldest one when the ring is full. */
  push(value: number): void {
    const end = (this.#start + this.#length) % this.capacity;
    this.#values[end] = value;
    if (this.#length < this.capacity) this.#length += 1;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** The values, oldest first. */
  toArray(): number[] {
    const out = new Array<number>(this.#length);
    for (let i = 0; i < this.#length; i += 1) out[i] = this.#values[(this.#start + i) % this.capacity] ?? 0;
    return out;
  }
}
