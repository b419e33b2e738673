/**
 * The run's authoritative state between iterations: the next iteration's prepared segments (with the
 * initial states they start from), a summary per completed iteration, and the last completed iteration's full record. It is replaced
 * atomically (write to a temporary name, then rename) before the store is touched, so after a crash at any
 * point the store can be brought level with it by redoing the last commit. No fsync: a killed process loses
 * nothing the kernel already has, and an fsync per iteration cost more than the whole WE step.
 *
 * Format: "WEJ1", u32 header length, JSON header, then the bytes of every typed array the header refers to.
 */
import { closeSync, openSync, readFileSync, renameSync, writeSync, existsSync } from 'node:fs';
import type { IterationRecord } from '../plugins.js';
import type { PreparedIteration } from '../types.js';
import { WeError } from '../errors.js';

export interface IterationSummary {
  iteration: number;
  nWalkers: number;
  totalWeight: number;
  minWeight: number;
  maxWeight: number;
  /** Weight recycled into each target state. */
  flux: number[];
  walltime: number;
}

export interface Journal {
  /** The iteration to run next; its segments are `prepared`. */
  iteration: number;
  binhash: string;
  prepared: PreparedIteration;
  /** Bins holding the prepared walkers. */
  occupiedBins: number;
  /** Initial states created so far; the next one made gets this id. */
  istateCount: number;
  history: IterationSummary[];
  /** The iteration before `iteration`, completed, kept to redo an interrupted store commit. */
  lastRecord?: Omit<IterationRecord, 'next'>;
}

const MAGIC = 'WEJ1';
const typedArrays = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Uint8Array,
} as const;
type TypedArrayName = keyof typeof typedArrays;
type AnyTypedArray = InstanceType<(typeof typedArrays)[TypedArrayName]>;

export function journalPath(storePath: string): string {
  return `${storePath}.journal`;
}

export function writeJournal(path: string, journal: Journal): void {
  const buffers: AnyTypedArray[] = [];
  let offset = 0;
  const header = JSON.stringify(journal, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const array = value as AnyTypedArray;
      const type = array.constructor.name as TypedArrayName;
      if (!(type in typedArrays)) throw new Error(`journal cannot store a ${type}`);
      // Keep every array aligned to 8 bytes so it can be viewed in place when read.
      const ref = { $array: type, offset, length: array.length };
      offset += Math.ceil(array.byteLength / 8) * 8;
      buffers.push(array);
      return ref;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
    return value;
  });
  const headerBytes = Buffer.from(header, 'utf8');
  const prefix = Buffer.alloc(8 + Math.ceil(headerBytes.length / 8) * 8);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(prefix, 8);

  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, prefix);
    const pad = new Uint8Array(8);
    for (const array of buffers) {
      writeSync(fd, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      const rest = Math.ceil(array.byteLength / 8) * 8 - array.byteLength;
      if (rest) writeSync(fd, pad, 0, rest);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function readJournal(path: string): Journal | undefined {
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== MAGIC) {
    throw new WeError(`not a we journal (expected the magic ${MAGIC} at its start)`, path);
  }
  const headerLength = bytes.readUInt32LE(4);
  const bodyStart = 8 + Math.ceil(headerLength / 8) * 8;
  const body = bytes.subarray(bodyStart);
  // Copy the body once into an aligned buffer; typed arrays are views into it.
  const aligned = new Uint8Array(body.length);
  aligned.set(body);
  try {
    return JSON.parse(bytes.toString('utf8', 8, 8 + headerLength), (_key, value: unknown) => {
      if (value && typeof value === 'object' && '$array' in value) {
        const ref = value as { $array: TypedArrayName; offset: number; length: number };
        const Ctor = typedArrays[ref.$array];
        if (ref.offset + ref.length * Ctor.BYTES_PER_ELEMENT > aligned.length) throw new Error('array past the end');
        return new Ctor(aligned.buffer, ref.offset, ref.length);
      }
      if (value && typeof value === 'object' && '$number' in value) return Number((value as { $number: string }).$number);
      return value;
    }) as Journal;
  } catch (error) {
    throw new WeError(`journal is damaged (${(error as Error).message})`, path);
  }
}
