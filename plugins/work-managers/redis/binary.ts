/**
 * Little-endian binary fields for the Redis wire format. Arrays of numbers travel as their raw bytes (exact for
 * every double, NaN and -0 included, and copied with one memcpy), so this assumes little-endian hosts, as every
 * current HPC node is (x86-64, ppc64le, aarch64). A reader checks every length against what is left and throws
 * MalformedEntryError naming the field, so a truncated or foreign entry is refused, never half-used.
 */

export class MalformedEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEntryError';
  }
}

type Typed = Int32Array | Uint32Array | Float64Array;

/** Writes fields in order into a buffer of the size the caller computed (`sizeOf` helps), and checks it filled it. */
export class BinaryWriter {
  private at = 0;
  private readonly buffer: Buffer;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  u8(value: number): this {
    this.at = this.buffer.writeUInt8(value, this.at);
    return this;
  }

  u32(value: number): this {
    this.at = this.buffer.writeUInt32LE(value, this.at);
    return this;
  }

  f64(value: number): this {
    this.at = this.buffer.writeDoubleLE(value, this.at);
    return this;
  }

  /** The values' count, then their bytes. */
  array(values: Typed): this {
    this.u32(values.length);
    return this.bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  /** UTF-8 text with its byte count. */
  text(value: string): this {
    this.u32(Buffer.byteLength(value, 'utf8'));
    this.at += this.buffer.write(value, this.at, 'utf8');
    return this;
  }

  /** Bytes as they are. */
  bytes(bytes: Uint8Array): this {
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
    return this;
  }

  finish(): Buffer {
    if (this.at !== this.buffer.length) throw new Error(`internal: wrote ${this.at} of ${this.buffer.length} bytes`);
    return this.buffer;
  }
}

/** Bytes a field takes: `array` of `n` values of `bytesPer` bytes, `text` of a string. */
export const sizeOf = {
  array: (n: number, bytesPer: number) => 4 + n * bytesPer,
  text: (value: string) => 4 + Buffer.byteLength(value, 'utf8'),
};

export class BinaryReader {
  private at = 0;

  /** `what` names the entry in errors ("task", "result"). */
  constructor(
    private readonly buffer: Buffer,
    private readonly what: string,
  ) {}

  private need(bytes: number, field: string): void {
    if (this.at + bytes > this.buffer.length) {
      throw new MalformedEntryError(`${this.what} ${field}: needs ${bytes} byte(s), ${this.buffer.length - this.at} left`);
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buffer.readUInt8(this.at++);
  }

  u32(field: string): number {
    this.need(4, field);
    const value = this.buffer.readUInt32LE(this.at);
    this.at += 4;
    return value;
  }

  f64(field: string): number {
    this.need(8, field);
    const value = this.buffer.readDoubleLE(this.at);
    this.at += 8;
    return value;
  }

  int32s(field: string): Int32Array {
    return this.array(field, 4, (n) => new Int32Array(n));
  }

  uint32s(field: string): Uint32Array {
    return this.array(field, 4, (n) => new Uint32Array(n));
  }

  float64s(field: string): Float64Array {
    return this.array(field, 8, (n) => new Float64Array(n));
  }

  text(field: string): string {
    const n = this.u32(`${field} length`);
    this.need(n, field);
    const value = this.buffer.toString('utf8', this.at, this.at + n);
    this.at += n;
    return value;
  }

  /** Everything not read yet. */
  rest(): Buffer {
    const bytes = this.buffer.subarray(this.at);
    this.at = this.buffer.length;
    return bytes;
  }

  /** An entry must be read to its last byte: anything after it means it is not what it claims to be. */
  end(): void {
    if (this.at !== this.buffer.length) throw new MalformedEntryError(`${this.what}: ${this.buffer.length - this.at} byte(s) after its last field`);
  }

  /** A copy into an array of its own (aligned, and not holding on to the whole reply it came in). */
  private array<T extends Typed>(field: string, bytesPer: number, make: (n: number) => T): T {
    const n = this.u32(`${field} count`);
    this.need(n * bytesPer, field);
    const out = make(n);
    new Uint8Array(out.buffer).set(this.buffer.subarray(this.at, this.at + n * bytesPer));
    this.at += n * bytesPer;
    return out;
  }
}
