/**
 * Raw (file-layout) encoding of dataset elements. h5wasm's own compound path copies every member of every row
 * through a fresh subarray and gives int64 as BigInt; at 10^5 walkers that dominated a commit. Here columns are
 * packed straight into the little-endian bytes HDF5 stores (h5wasm reads and writes with the file type as the
 * memory type), with int64 carried as JS numbers (exact up to 2^53).
 */
import { Module, dtype_to_metadata } from 'h5wasm/node';
import type { Dtype, Metadata, Reference } from 'h5wasm/node';
import { TextDecoder, TextEncoder } from 'node:util';

export type Column = ArrayLike<number> | readonly string[] | readonly Reference[];
/** A compound's columns by member name, or a plain dataset's values. */
export type Columns = Map<string, Column> | Column;

/** A block of a dataset: `count` elements along each dimension from `offset`. */
export interface Hyperslab {
  offset: number[];
  count: number[];
}

type ElementWriter = (view: DataView, bytes: Uint8Array, at: number, value: unknown) => void;

interface Field {
  name: string;
  offset: number;
  meta: Metadata;
  write: ElementWriter;
}

interface Layout {
  meta: Metadata;
  size: number;
  fields: Field[];
  compound: boolean;
}

const TWO_32 = 4294967296;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function elementWriter(meta: Metadata): ElementWriter {
  const { type, size, signed } = meta;
  const classes = Module.H5T_class_t;
  if (type === classes.H5T_FLOAT.value) {
    return size === 8
      ? (view, _, at, v) => view.setFloat64(at, v as number, true)
      : (view, _, at, v) => view.setFloat32(at, v as number, true);
  }
  if (type === classes.H5T_INTEGER.value) {
    if (size === 8) {
      return (view, _, at, value) => {
        const v = value as number;
        const hi = Math.floor(v / TWO_32);
        view.setUint32(at, v - hi * TWO_32, true);
        view.setUint32(at + 4, hi >>> 0, true);
      };
    }
    if (size === 4) return (view, _, at, v) => view.setUint32(at, (v as number) >>> 0, true);
    if (size === 2) return (view, _, at, v) => view.setUint16(at, (v as number) & 0xffff, true);
    return (view, _, at, v) => view.setUint8(at, (signed ? (v as number) : (v as number) >>> 0) & 0xff);
  }
  if (type === classes.H5T_STRING.value) {
    return (_, bytes, at, v) => bytes.set(encoder.encode(v as string).subarray(0, size), at);
  }
  if (type === classes.H5T_REFERENCE.value) {
    return (_, bytes, at, v) => bytes.set(Array.from((v as Reference).ref_data).slice(0, size), at);
  }
  return () => {
    throw new Error(`cannot encode HDF5 type class ${type}`);
  };
}

/** Layouts by dtype: string dtypes by value, compound ones by identity (layout.ts's constants). */
const layouts = new Map<Dtype, Layout>();

function layoutOf(dtype: Dtype): Layout {
  let layout = layouts.get(dtype);
  if (layout) return layout;
  const meta = dtype_to_metadata(dtype);
  const members = meta.compound_type?.members;
  const fields = members
    ? members.map((m) => ({ name: m.name, offset: m.offset, meta: m, write: elementWriter(m) }))
    : [{ name: '', offset: 0, meta, write: elementWriter(meta) }];
  layout = { meta, size: meta.size, fields, compound: members !== undefined };
  layouts.set(dtype, layout);
  return layout;
}

/** h5wasm's metadata of a dtype (for creating datasets); computed once per dtype. */
export function metadataOf(dtype: Dtype): Metadata {
  return layoutOf(dtype).meta;
}

function columnOf(columns: Columns, field: Field, compound: boolean): Column {
  if (!compound) return columns as Column;
  const column = (columns as Map<string, Column>).get(field.name);
  if (column === undefined) throw new Error(`no column for compound member '${field.name}'`);
  return column;
}

function readElement(view: DataView, bytes: Uint8Array, at: number, meta: Metadata): number | string | null {
  const { type, size, signed } = meta;
  const classes = Module.H5T_class_t;
  if (type === classes.H5T_FLOAT.value) return size === 8 ? view.getFloat64(at, true) : view.getFloat32(at, true);
  if (type === classes.H5T_INTEGER.value) {
    if (size === 8) return (signed ? view.getInt32(at + 4, true) : view.getUint32(at + 4, true)) * TWO_32 + view.getUint32(at, true);
    if (size === 4) return signed ? view.getInt32(at, true) : view.getUint32(at, true);
    if (size === 2) return signed ? view.getInt16(at, true) : view.getUint16(at, true);
    return signed ? view.getInt8(at) : view.getUint8(at);
  }
  if (type === classes.H5T_STRING.value) {
    const raw = bytes.subarray(at, at + size);
    const end = raw.indexOf(0);
    return decoder.decode(end < 0 ? raw : raw.subarray(0, end)).trimEnd();
  }
  return null;
}

/** A typed array already in the file layout of a plain dataset's element type, viewed as bytes. */
function nativeBytes(column: Column, meta: Metadata): Uint8Array | undefined {
  const { H5T_FLOAT, H5T_INTEGER } = Module.H5T_class_t;
  const same =
    (column instanceof Float64Array && meta.type === H5T_FLOAT.value && meta.size === 8) ||
    (column instanceof Float32Array && meta.type === H5T_FLOAT.value && meta.size === 4) ||
    (column instanceof Uint8Array && meta.type === H5T_INTEGER.value && meta.size === 1 && !meta.signed);
  return same ? new Uint8Array(column.buffer, column.byteOffset, column.byteLength) : undefined;
}

/** Bytes of one element of `dtype` in the file. */
export function elementSize(dtype: Dtype): number {
  return layoutOf(dtype).size;
}

/** `count` elements of `dtype` from columns, in file layout. */
export function encode(dtype: Dtype, columns: Columns, count: number): Uint8Array {
  const { size, fields, compound } = layoutOf(dtype);
  const native = compound ? undefined : nativeBytes(columns as Column, fields[0].meta);
  if (native && native.length === count * size) return native;
  const bytes = new Uint8Array(count * size);
  const view = new DataView(bytes.buffer);
  for (const field of fields) {
    const column = columnOf(columns, field, compound);
    if (column.length !== count) {
      throw new Error(`column '${field.name}' has ${column.length} values; expected ${count}`);
    }
    const { write, offset } = field;
    for (let i = 0; i < count; i++) write(view, bytes, i * size + offset, column[i]);
  }
  return bytes;
}

/** The elements of a compound dataset's bytes as columns by member name (references come back as null). */
export function decodeCompound(dtype: Dtype, bytes: Uint8Array): Map<string, (number | string | null)[]> {
  const { size, fields } = layoutOf(dtype);
  const count = size === 0 ? 0 : bytes.length / size;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, (number | string | null)[]>();
  for (const field of fields) {
    const column = new Array<number | string | null>(count);
    for (let i = 0; i < count; i++) column[i] = readElement(view, bytes, i * size + field.offset, field.meta);
    out.set(field.name, column);
  }
  return out;
}

/** Runs `fn` with a pointer to a copy of `bytes` in h5wasm's heap. */
export function withHeapCopy<T>(bytes: Uint8Array, what: string, fn: (ptr: bigint) => T): T {
  const ptr = Module._malloc(Math.max(bytes.length, 1));
  if (ptr === 0) throw new Error(`cannot allocate ${bytes.length} bytes for ${what}`);
  try {
    Module.HEAPU8.set(bytes, ptr);
    return fn(BigInt(ptr));
  } finally {
    Module._free(ptr);
  }
}

function selection(slab: Hyperslab | undefined): [bigint[] | null, bigint[] | null, bigint[] | null] {
  if (!slab) return [null, null, null];
  return [slab.count.map(BigInt), slab.offset.map(BigInt), slab.count.map(() => 1n)];
}

/** Writes a dataset (or a hyperslab of it) from bytes in its file layout. */
export function writeRaw(fileId: bigint, path: string, bytes: Uint8Array, slab?: Hyperslab): void {
  const [count, offset, strides] = selection(slab);
  withHeapCopy(bytes, path, (ptr) => Module.set_dataset_data(fileId, path, count, offset, strides, ptr));
}

/** Reads a dataset's (or a hyperslab's) bytes in its file layout. */
export function readRaw(fileId: bigint, path: string, nbytes: number, slab?: Hyperslab): Uint8Array {
  const ptr = Module._malloc(Math.max(nbytes, 1));
  if (ptr === 0) throw new Error(`cannot allocate ${nbytes} bytes for ${path}`);
  try {
    const [count, offset, strides] = selection(slab);
    Module.get_dataset_data(fileId, path, count, offset, strides, BigInt(ptr));
    return Module.HEAPU8.slice(ptr, ptr + nbytes);
  } finally {
    Module._free(ptr);
  }
}
