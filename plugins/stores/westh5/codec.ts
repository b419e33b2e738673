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

/** Writes the first `count` values of a column at bytes `offset`, `offset` + `stride`, `offset` + 2 `stride`, … */
type ColumnWriter = (view: DataView, bytes: Uint8Array, column: Column, offset: number, stride: number, count: number) => void;

interface Field {
  name: string;
  offset: number;
  meta: Metadata;
  write: ColumnWriter;
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

// One function per element type, each with its own loop: a shared loop calling per-type element writers was
// megamorphic (every column type, every writer) and cost about 15 ns per element.
function writeFloat64(view: DataView, _: Uint8Array, column: Column, offset: number, stride: number, count: number): void {
  const values = column as ArrayLike<number>;
  for (let i = 0, at = offset; i < count; i++, at += stride) view.setFloat64(at, values[i], true);
}

function writeFloat32(view: DataView, _: Uint8Array, column: Column, offset: number, stride: number, count: number): void {
  const values = column as ArrayLike<number>;
  for (let i = 0, at = offset; i < count; i++, at += stride) view.setFloat32(at, values[i], true);
}

/** int64 and uint64 from numbers (two's complement; exact up to 2^53). */
function writeInt64(view: DataView, _: Uint8Array, column: Column, offset: number, stride: number, count: number): void {
  const values = column as ArrayLike<number>;
  for (let i = 0, at = offset; i < count; i++, at += stride) {
    const v = values[i];
    const hi = Math.floor(v / TWO_32);
    view.setUint32(at, v - hi * TWO_32, true);
    view.setUint32(at + 4, hi >>> 0, true);
  }
}

function writeInt32(view: DataView, _: Uint8Array, column: Column, offset: number, stride: number, count: number): void {
  const values = column as ArrayLike<number>;
  for (let i = 0, at = offset; i < count; i++, at += stride) view.setUint32(at, values[i] >>> 0, true);
}

function writeInt16(view: DataView, _: Uint8Array, column: Column, offset: number, stride: number, count: number): void {
  const values = column as ArrayLike<number>;
  for (let i = 0, at = offset; i < count; i++, at += stride) view.setUint16(at, values[i] & 0xffff, true);
}

function writeInt8(view: DataView, _: Uint8Array, column: Column, offset: number, stride: number, count: number): void {
  const values = column as ArrayLike<number>;
  for (let i = 0, at = offset; i < count; i++, at += stride) view.setUint8(at, values[i] & 0xff);
}

function stringWriter(size: number): ColumnWriter {
  return (_, bytes, column, offset, stride, count) => {
    const values = column as readonly string[];
    for (let i = 0, at = offset; i < count; i++, at += stride) bytes.set(encoder.encode(values[i]).subarray(0, size), at);
  };
}

function referenceWriter(size: number): ColumnWriter {
  return (_, bytes, column, offset, stride, count) => {
    const values = column as readonly Reference[];
    for (let i = 0, at = offset; i < count; i++, at += stride) bytes.set(Array.from(values[i].ref_data).slice(0, size), at);
  };
}

function columnWriter(meta: Metadata): ColumnWriter {
  const { type, size } = meta;
  const classes = Module.H5T_class_t;
  if (type === classes.H5T_FLOAT.value) return size === 8 ? writeFloat64 : writeFloat32;
  if (type === classes.H5T_INTEGER.value) return size === 8 ? writeInt64 : size === 4 ? writeInt32 : size === 2 ? writeInt16 : writeInt8;
  if (type === classes.H5T_STRING.value) return stringWriter(size);
  if (type === classes.H5T_REFERENCE.value) return referenceWriter(size);
  return () => {
    throw new Error(`cannot encode HDF5 type class ${type}`);
  };
}

/** Layouts by dtype: string dtypes by value, others by identity (layout.ts's constants; read types are let go). */
const layoutsByName = new Map<string, Layout>();
const layoutsByObject = new WeakMap<object, Layout>();

function layoutOf(dtype: Dtype): Layout {
  let layout = typeof dtype === 'string' ? layoutsByName.get(dtype) : layoutsByObject.get(dtype);
  if (layout) return layout;
  const meta = dtype_to_metadata(dtype);
  const members = meta.compound_type?.members;
  const fields = members
    ? members.map((m) => ({ name: m.name, offset: m.offset, meta: m, write: columnWriter(m) }))
    : [{ name: '', offset: 0, meta, write: columnWriter(meta) }];
  layout = { meta, size: meta.size, fields, compound: members !== undefined };
  if (typeof dtype === 'string') layoutsByName.set(dtype, layout);
  else layoutsByObject.set(dtype, layout);
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

/**
 * Runs `fn` with a pointer to `count` elements of `dtype` from columns, in file layout in h5wasm's heap: typed
 * arrays already in that layout are copied once, anything else is encoded straight into the heap.
 */
export function withEncoded<T>(dtype: Dtype, columns: Columns, count: number, what: string, fn: (ptr: bigint) => T): T {
  const { size, fields, compound } = layoutOf(dtype);
  const nbytes = count * size;
  const ptr = Module._malloc(Math.max(nbytes, 1));
  if (ptr === 0) throw new Error(`cannot allocate ${nbytes} bytes for ${what}`);
  try {
    // taken after malloc, which may have grown (and so replaced) the heap
    const bytes = Module.HEAPU8.subarray(ptr, ptr + nbytes);
    const native = compound ? undefined : nativeBytes(columns as Column, fields[0].meta);
    if (native && native.length === nbytes) {
      bytes.set(native);
    } else {
      bytes.fill(0);
      const view = new DataView(bytes.buffer, bytes.byteOffset, nbytes);
      for (const field of fields) {
        const column = columnOf(columns, field, compound);
        if (column.length !== count) throw new Error(`column '${field.name}' has ${column.length} values; expected ${count}`);
        field.write(view, bytes, column, field.offset, size, count);
      }
    }
    return fn(BigInt(ptr));
  } finally {
    Module._free(ptr);
  }
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

function selection(slab: Hyperslab | undefined): [bigint[] | null, bigint[] | null, bigint[] | null] {
  if (!slab) return [null, null, null];
  return [slab.count.map(BigInt), slab.offset.map(BigInt), slab.count.map(() => 1n)];
}

/** Writes a dataset of `dtype` (or a hyperslab of it) from `elements` elements in columns. */
export function writeRaw(fileId: bigint, path: string, dtype: Dtype, columns: Columns, elements: number, slab?: Hyperslab): void {
  const [count, offset, strides] = selection(slab);
  withEncoded(dtype, columns, elements, path, (ptr) => Module.set_dataset_data(fileId, path, count, offset, strides, ptr));
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
