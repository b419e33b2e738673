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

interface Field {
  name: string;
  offset: number;
  meta: Metadata;
}

const TWO_32 = 4294967296;

function layout(dtype: Dtype): { size: number; fields: Field[]; compound: boolean } {
  const meta = dtype_to_metadata(dtype);
  const members = meta.compound_type?.members;
  if (!members) return { size: meta.size, fields: [{ name: '', offset: 0, meta }], compound: false };
  return { size: meta.size, fields: members.map((m) => ({ name: m.name, offset: m.offset, meta: m })), compound: true };
}

function columnOf(columns: Columns, field: Field, compound: boolean): Column {
  if (!compound) return columns as Column;
  const column = (columns as Map<string, Column>).get(field.name);
  if (column === undefined) throw new Error(`no column for compound member '${field.name}'`);
  return column;
}

function writeElement(view: DataView, bytes: Uint8Array, at: number, meta: Metadata, value: unknown, encoder: TextEncoder): void {
  const { type, size, signed } = meta;
  const classes = Module.H5T_class_t;
  if (type === classes.H5T_FLOAT.value) {
    if (size === 8) view.setFloat64(at, value as number, true);
    else view.setFloat32(at, value as number, true);
  } else if (type === classes.H5T_INTEGER.value) {
    const v = value as number;
    if (size === 8) {
      const hi = Math.floor(v / TWO_32);
      view.setUint32(at, v - hi * TWO_32, true);
      view.setUint32(at + 4, hi >>> 0, true);
    } else if (size === 4) view.setUint32(at, v >>> 0, true);
    else if (size === 2) view.setUint16(at, v & 0xffff, true);
    else view.setUint8(at, (signed ? v : v >>> 0) & 0xff);
  } else if (type === classes.H5T_STRING.value) {
    bytes.set(encoder.encode(value as string).subarray(0, size), at);
  } else if (type === classes.H5T_REFERENCE.value) {
    bytes.set(Array.from((value as Reference).ref_data).slice(0, size), at);
  } else {
    throw new Error(`cannot encode HDF5 type class ${type}`);
  }
}

function readElement(view: DataView, bytes: Uint8Array, at: number, meta: Metadata, decoder: TextDecoder): number | string | null {
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

/** `count` elements of `dtype` from columns, in file layout. */
export function encode(dtype: Dtype, columns: Columns, count: number): Uint8Array {
  const { size, fields, compound } = layout(dtype);
  const native = compound ? undefined : nativeBytes(columns as Column, fields[0].meta);
  if (native && native.length === count * size) return native;
  const bytes = new Uint8Array(count * size);
  const view = new DataView(bytes.buffer);
  const encoder = new TextEncoder();
  for (const field of fields) {
    const column = columnOf(columns, field, compound);
    if (column.length !== count) {
      throw new Error(`column '${field.name}' has ${column.length} values; expected ${count}`);
    }
    for (let i = 0; i < count; i++) writeElement(view, bytes, i * size + field.offset, field.meta, column[i], encoder);
  }
  return bytes;
}

/** The elements of a compound dataset's bytes as columns by member name (references come back as null). */
export function decodeCompound(dtype: Dtype, bytes: Uint8Array): Map<string, (number | string | null)[]> {
  const { size, fields } = layout(dtype);
  const count = size === 0 ? 0 : bytes.length / size;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const out = new Map<string, (number | string | null)[]>();
  for (const field of fields) {
    const column = new Array<number | string | null>(count);
    for (let i = 0; i < count; i++) column[i] = readElement(view, bytes, i * size + field.offset, field.meta, decoder);
    out.set(field.name, column);
  }
  return out;
}

/** Writes a whole dataset from bytes in its file layout. */
export function writeRaw(fileId: bigint, path: string, bytes: Uint8Array): void {
  const ptr = Module._malloc(Math.max(bytes.length, 1));
  if (ptr === 0) throw new Error(`cannot allocate ${bytes.length} bytes for ${path}`);
  try {
    Module.HEAPU8.set(bytes, ptr);
    Module.set_dataset_data(fileId, path, null, null, null, BigInt(ptr));
  } finally {
    Module._free(ptr);
  }
}

/** Reads a whole dataset's bytes in its file layout. */
export function readRaw(fileId: bigint, path: string, nbytes: number): Uint8Array {
  const ptr = Module._malloc(Math.max(nbytes, 1));
  if (ptr === 0) throw new Error(`cannot allocate ${nbytes} bytes for ${path}`);
  try {
    Module.get_dataset_data(fileId, path, null, null, null, BigInt(ptr));
    return Module.HEAPU8.slice(ptr, ptr + nbytes);
  } finally {
    Module._free(ptr);
  }
}
