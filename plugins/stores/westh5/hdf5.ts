/**
 * The few h5wasm operations the store needs, made strict. h5wasm reports most HDF5 failures as a negative id or
 * an unchanged object and prints HDF5's error stack to stderr; inside `hdf5Call` HDF5's throwing error handler
 * is active instead, so every failure becomes a WeError naming the file and HDF5's reason.
 */
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import h5wasm, { Module } from 'h5wasm/node';
import { readCompoundRows } from './codec.js';
import type { Dataset, File, Group, OutputData } from 'h5wasm/node';
import { WeError } from '../../../core/errors.js';

export type { Dataset, File, Group };

export async function loadHdf5(): Promise<void> {
  await h5wasm.ready;
}

const VERSION_INFO = Buffer.from('HDF5 library version: ');

/**
 * The version of the HDF5 library h5wasm was compiled from, as the library states it in its H5_lib_vers_info_g
 * string (h5wasm does not export H5get_libversion); the string sits in the WebAssembly module's memory.
 */
export async function hdf5LibraryVersion(): Promise<string> {
  await loadHdf5();
  const heap = Module.HEAPU8;
  const memory = Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength);
  // The first occurrence may be the printf format HDF5 prints its error stacks with ("%d.%d.%d%s%s").
  for (let at = memory.indexOf(VERSION_INFO); at >= 0; at = memory.indexOf(VERSION_INFO, at + 1)) {
    const start = at + VERSION_INFO.length;
    const text = memory.subarray(start, memory.indexOf(0, start)).toString('latin1');
    if (/^\d+\.\d+\.\d+/.test(text)) return text;
  }
  throw new Error('HDF5 library version string not found in h5wasm');
}

let throwingDepth = 0;

/** HDF5's error stack, reduced to its innermost message ("truncated file: eof = …"). */
function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const frames = [...text.matchAll(/#\d+:.*?\(\): (.*)$/gm)];
  const innermost = frames.at(-1)?.[1];
  return (innermost ?? text.split('\n')[0] ?? '').trim();
}

/** Runs h5wasm calls with HDF5 errors thrown as WeError(`<what>: <reason>`, file). Nests. */
export function hdf5Call<T>(file: string, what: string, fn: () => T): T {
  if (throwingDepth++ === 0) Module.activate_throwing_error_handler();
  try {
    return fn();
  } catch (error) {
    if (error instanceof WeError) throw error;
    throw new WeError(`${what}: ${hdf5Reason(error)}`, file);
  } finally {
    if (--throwingDepth === 0) Module.deactivate_throwing_error_handler();
  }
}

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** HDF5 looks for its signature at byte 0, 512, 1024, 2048, … (a user block may precede it). */
function hasHdf5Signature(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(SIGNATURE.length);
    for (let offset = 0; offset + SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      readSync(fd, head, 0, head.length, offset);
      if (head.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Opens an existing HDF5 file ('r' or 'a'); WeError if it is missing, not HDF5, or damaged. */
export function openHdf5(path: string, mode: 'r' | 'a'): File {
  let isHdf5: boolean;
  try {
    isHdf5 = hasHdf5Signature(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WeError('no such file; create it with `we init`', path);
    throw new WeError(`cannot be read: ${(error as Error).message}`, path);
  }
  if (!isHdf5) throw new WeError('not an HDF5 file (no HDF5 signature found); expected a west.h5', path);
  return hdf5Call(path, 'cannot be opened as HDF5 (damaged or incompletely copied?)', () => {
    const file = new h5wasm.File(path, mode);
    if (file.file_id < 0n) throw new WeError('cannot be opened as HDF5', path);
    return file;
  });
}

/** Creates (truncating) an HDF5 file. */
export function createHdf5(path: string): File {
  return hdf5Call(path, 'cannot create HDF5 file', () => {
    const file = new h5wasm.File(path, 'w');
    if (file.file_id < 0n) throw new WeError('cannot create HDF5 file', path);
    return file;
  });
}

export function closeHdf5(file: File): void {
  hdf5Call(file.filename, 'closing failed', () => file.close());
}

export function getGroup(file: File, path: string): Group {
  const entity = file.get(path);
  if (!(entity instanceof h5wasm.Group)) throw new WeError(missing('group', entity), `${file.filename}:${path}`);
  return entity;
}

export function getDataset(file: File, path: string): Dataset {
  const entity = file.get(path);
  if (!(entity instanceof h5wasm.Dataset)) throw new WeError(missing('dataset', entity), `${file.filename}:${path}`);
  return entity;
}

export function hasObject(file: File, path: string): boolean {
  return file.get(path) !== null;
}

function missing(expected: string, found: unknown): string {
  return found === null ? `${expected} missing` : `expected a ${expected}, found ${(found as object).constructor.name}`;
}

export function readAttr(obj: Group | Dataset, name: string): OutputData | undefined {
  return name in obj.attrs ? obj.get_attribute(name, false) : undefined;
}

/** A compound dataset's columns by member name (int64 as numbers): all rows, or rows [from, to). */
export function readColumns(
  file: File,
  path: string,
  names: readonly string[],
  range?: { from: number; to: number },
): Record<string, (number | string | null)[]> {
  const ds = getDataset(file, path);
  const { from, to } = range ?? { from: 0, to: ds.shape?.[0] ?? 0 };
  const decoded = readCompoundRows(file.file_id, path, ds.metadata, { offset: [from], count: [Math.max(0, to - from)] });
  const columns: Record<string, (number | string | null)[]> = {};
  for (const name of names) {
    const column = decoded.get(name);
    if (!column) throw new WeError(`compound member '${name}' missing (members: ${[...decoded.keys()].join(', ')})`, `${file.filename}:${path}`);
    columns[name] = column;
  }
  return columns;
}

export function toNumbers(values: ArrayLike<unknown>): number[] {
  return Array.from(values, (v) => Number(v));
}
