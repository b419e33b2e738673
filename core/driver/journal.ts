/**
 * The run's authoritative state between iterations: the next iteration's prepared segments (with the
 * initial states they start from), a summary per completed iteration, and the last completed iteration's
 * full record. It is written before the store is touched, so after a crash at any point the store can be
 * brought level with it by redoing the last commit.
 *
 * Two slots, `<path>.0` and `<path>.1`, written alternately and overwritten in place; each carries a
 * generation number and a CRC32 of its contents, and the reader takes the newest valid slot. A crash while
 * one slot is written leaves the other, one iteration older, intact. This avoids a rename per iteration,
 * which on ext4 forces the new file's data out to disk (auto_da_alloc) and cost more than the WE step. No
 * fsync: a killed process loses nothing the kernel already has.
 *
 * Slot layout: "WEJ2", u32 header length, f64 generation, u32 body length, u32 CRC32 of header + body,
 * the JSON header, then the bytes of every typed array the header refers to, each 8-byte aligned.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { IterationRecord } from '../plugins.js';
import type { PreparedIteration } from '../types.js';
import { WeError, failureReason } from '../errors.js';
import { requireFreeSpace, type SpaceNeed } from '../free-space.js';

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
  /**
   * Progress coordinate of each basis state (nbstates × ndim, in the pcoord dtype), computed once by `we init`
   * and written to west.h5 then: recycled walkers restart from exactly these points in every later `we run`.
   */
  basisStatePoints: Float64Array;
  history: IterationSummary[];
  /** The iteration before `iteration`, completed, kept to redo an interrupted store commit. */
  lastRecord?: Omit<IterationRecord, 'next'>;
}

const MAGIC = 'WEJ2';
const PREFIX_BYTES = 28;
const typedArrays = { Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array } as const;
type TypedArrayName = keyof typeof typedArrays;
type AnyTypedArray = InstanceType<(typeof typedArrays)[TypedArrayName]>;

/** The per-iteration summaries as columns: one JSON object per iteration would grow the header fastest. */
interface HistoryColumns {
  iteration: Int32Array;
  nWalkers: Float64Array;
  totalWeight: Float64Array;
  minWeight: Float64Array;
  maxWeight: Float64Array;
  walltime: Float64Array;
  /** iterations × targets. */
  flux: Float64Array;
  targets: number;
}

function toColumns(history: IterationSummary[]): HistoryColumns {
  const targets = history[0]?.flux.length ?? 0;
  const column = (get: (h: IterationSummary) => number) => Float64Array.from(history, get);
  return {
    iteration: Int32Array.from(history, (h) => h.iteration),
    nWalkers: column((h) => h.nWalkers),
    totalWeight: column((h) => h.totalWeight),
    minWeight: column((h) => h.minWeight),
    maxWeight: column((h) => h.maxWeight),
    walltime: column((h) => h.walltime),
    flux: Float64Array.from(history.flatMap((h) => h.flux)),
    targets,
  };
}

function fromColumns(c: HistoryColumns): IterationSummary[] {
  return Array.from(c.iteration, (iteration, i) => ({
    iteration,
    nWalkers: c.nWalkers[i],
    totalWeight: c.totalWeight[i],
    minWeight: c.minWeight[i],
    maxWeight: c.maxWeight[i],
    flux: Array.from(c.flux.subarray(i * c.targets, (i + 1) * c.targets)),
    walltime: c.walltime[i],
  }));
}

export function journalPath(storePath: string): string {
  return `${storePath}.journal`;
}

const slotPath = (path: string, slot: number) => `${path}.${slot}`;

function encode(journal: Journal, generation: number): Uint8Array {
  const buffers: AnyTypedArray[] = [];
  let offset = 0;
  const header = JSON.stringify({ ...journal, history: toColumns(journal.history) }, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const array = value as AnyTypedArray;
      const type = array.constructor.name as TypedArrayName;
      if (!(type in typedArrays)) throw new Error(`journal cannot store a ${type}`);
      const ref = { $array: type, offset, length: array.length };
      offset += Math.ceil(array.byteLength / 8) * 8;
      buffers.push(array);
      return ref;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
    return value;
  });
  const headerBytes = Buffer.from(header, 'utf8');
  const bodyStart = PREFIX_BYTES + Math.ceil(headerBytes.length / 8) * 8;
  const bytes = new Uint8Array(bodyStart + offset);
  const view = new DataView(bytes.buffer);
  bytes.set(Buffer.from(MAGIC, 'latin1'), 0);
  view.setUint32(4, headerBytes.length, true);
  view.setFloat64(8, generation, true);
  view.setUint32(16, offset, true);
  bytes.set(headerBytes, PREFIX_BYTES);
  let at = bodyStart;
  for (const array of buffers) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += Math.ceil(array.byteLength / 8) * 8;
  }
  view.setUint32(20, crc32(bytes.subarray(PREFIX_BYTES)), true);
  return bytes;
}

interface Slot {
  generation: number;
  bytes: Uint8Array;
  headerLength: number;
}

/** A slot's contents if it is complete and intact, else undefined (absent, half-written or damaged). */
function readSlot(path: string): Slot | undefined {
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  if (bytes.length < PREFIX_BYTES || bytes.toString('latin1', 0, 4) !== MAGIC) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  const end = PREFIX_BYTES + Math.ceil(headerLength / 8) * 8 + view.getUint32(16, true);
  if (end > bytes.length || crc32(bytes.subarray(PREFIX_BYTES, end)) !== view.getUint32(20, true)) return undefined;
  return { generation: view.getFloat64(8, true), bytes: bytes.subarray(0, end), headerLength };
}

/** The newest intact slot of each journal this process has read or written. */
const newestSlot = new Map<string, { slot: number; generation: number }>();

function findNewest(path: string): { slot: number; generation: number; contents?: Slot } | undefined {
  const slots = [0, 1].map((slot) => readSlot(slotPath(path, slot)));
  const valid = slots.flatMap((contents, slot) => (contents ? [{ slot, generation: contents.generation, contents }] : []));
  return valid.sort((a, b) => b.generation - a.generation)[0];
}

/**
 * Writes over the slot that is not the newest intact one (a torn slot included), so the newest intact state
 * survives whatever happens to this write. Refused, writing nothing, when its file system has not the room for
 * it and for `alsoNeeded` (what is written next: the store's commit).
 */
export function writeJournal(path: string, journal: Journal, alsoNeeded: readonly SpaceNeed[] = []): void {
  const newest = newestSlot.get(path) ?? findNewest(path);
  const slot = newest ? 1 - newest.slot : 0;
  const generation = (newest?.generation ?? 0) + 1;
  const bytes = encode(journal, generation);
  const file = slotPath(path, slot);
  requireFreeSpace([{ path: file, bytes: bytes.length }, ...alsoNeeded]);
  try {
    const fd = openSync(file, 'a+');
    try {
      ftruncateSync(fd, 0);
      // A short write (the file system filled up meanwhile) leaves a torn slot, which the reader skips.
      if (writeSync(fd, bytes, 0, bytes.length, 0) !== bytes.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new WeError(`writing the journal failed (${failureReason(error)}); the previous slot is intact`, file);
  }
  newestSlot.set(path, { slot, generation });
}

export function readJournal(path: string): Journal | undefined {
  const newest = findNewest(path);
  if (!newest?.contents) {
    if ([0, 1].every((k) => !existsSync(slotPath(path, k)))) return undefined;
    throw new WeError(`no intact journal slot (${slotPath(path, 0)}, ${slotPath(path, 1)}): both are damaged`, path);
  }
  newestSlot.set(path, { slot: newest.slot, generation: newest.generation });
  const best = newest.contents;
  const bodyStart = PREFIX_BYTES + Math.ceil(best.headerLength / 8) * 8;
  // One aligned copy of the body; the typed arrays are views into it.
  const body = new Uint8Array(best.bytes.length - bodyStart);
  body.set(best.bytes.subarray(bodyStart));
  const parsed = JSON.parse(Buffer.from(best.bytes.buffer, best.bytes.byteOffset + PREFIX_BYTES, best.headerLength).toString('utf8'), (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$array' in value) {
      const ref = value as { $array: TypedArrayName; offset: number; length: number };
      return new typedArrays[ref.$array](body.buffer, ref.offset, ref.length);
    }
    if (value && typeof value === 'object' && '$number' in value) return Number((value as { $number: string }).$number);
    return value;
  }) as Omit<Journal, 'history'> & { history: HistoryColumns };
  return { ...parsed, history: fromColumns(parsed.history) };
}
