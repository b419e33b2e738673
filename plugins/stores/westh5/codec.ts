/**
 * Raw (file-layout) encoding of dataset elements. h5wasm's own compound path copies every member of every row
 * through a fresh subarray and gives int64 as BigInt; at 10^5 walkers that dominated a commit. Here columns are
 * packed straight into the little-endian bytes HDF5 stores (h5wasm reads and writes with the file type as the
 * memory type), with int64 carried as JS numbers (exact up to 2^53).
 *
 * Variable-length strings (WESTPA's labels and auxrefs, also inside compounds) are, in that memory type, pointers
 * to NUL-terminated strings in the wasm heap: written from strings placed in the heap for the call, read from
 * the strings HDF5 allocates there, which are then given back (H5Treclaim).
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
  /** A pointer to a string in the wasm heap rather than the characters themselves. */
  vlenString: boolean;
}

interface Layout {
  meta: Metadata;
  size: number;
  fields: Field[];
  compound: boolean;
  hasVlenStrings: boolean;
}

/**
 * An element type: one of layout.ts's dtypes, or the metadata HDF5 reports for a dataset already in a file (its
 * true member offsets, which a file written by h5py need not share with the packed dtypes).
 */
export type ElementType = Dtype | Metadata;

function isMetadata(type: ElementType): type is Metadata {
  return typeof type === 'object' && !Array.isArray(type) && typeof (type as Metadata).type === 'number';
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

/** Layouts by dtype: string dtypes by value, others by identity (layout.ts's constants and datasets' metadata). */
const layoutsByName = new Map<string, Layout>();
const layoutsByObject = new WeakMap<object, Layout>();

function layoutOf(type: ElementType): Layout {
  let layout = typeof type === 'string' ? layoutsByName.get(type) : layoutsByObject.get(type);
  if (layout) return layout;
  const meta = isMetadata(type) ? type : dtype_to_metadata(type);
  const members = meta.compound_type?.members;
  const fields = (members ?? [{ ...meta, name: '', offset: 0 }]).map((m) => ({
    name: m.name,
    offset: m.offset,
    meta: m,
    // a variable-length string's column is written as the heap addresses of its strings
    write: isVlenString(m) ? writeInt32 : columnWriter(m),
    vlenString: isVlenString(m),
  }));
  layout = { meta, size: meta.size, fields, compound: members !== undefined, hasVlenStrings: fields.some((f) => f.vlenString) };
  if (typeof type === 'string') layoutsByName.set(type, layout);
  else layoutsByObject.set(type, layout);
  return layout;
}

/** h5wasm's metadata of a dtype (for creating datasets); computed once per dtype. */
export function metadataOf(type: ElementType): Metadata {
  return layoutOf(type).meta;
}

function columnOf(columns: Columns, field: Field, compound: boolean): Column {
  if (!compound) return columns as Column;
  const column = (columns as Map<string, Column>).get(field.name);
  if (column === undefined) throw new Error(`no column for compound member '${field.name}'`);
  return column;
}

function isVlenString(meta: Metadata): boolean {
  return meta.type === Module.H5T_class_t.H5T_STRING.value && meta.vlen;
}

/** The NUL-terminated string at a wasm heap address (0: an empty string, as HDF5 writes a missing one). */
function heapString(address: number): string {
  if (address === 0) return '';
  const heap = Module.HEAPU8;
  const end = heap.indexOf(0, address);
  return decoder.decode(heap.subarray(address, end < 0 ? heap.length : end));
}

function readElement(view: DataView, bytes: Uint8Array, at: number, meta: Metadata): number | string | null {
  const { type, size, signed } = meta;
  const classes = Module.H5T_class_t;
  if (isVlenString(meta)) return heapString(view.getUint32(at, true));
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

/** Places `count` strings in the wasm heap (one block, freed by the caller through `allocate`); their addresses. */
function heapStrings(values: readonly string[], count: number, allocate: (bytes: number) => number): Uint32Array {
  const encoded = values.slice(0, count).map((v) => encoder.encode(v));
  let at = allocate(encoded.reduce((sum, e) => sum + e.length + 1, 0));
  const addresses = new Uint32Array(count);
  encoded.forEach((e, i) => {
    Module.HEAPU8.set(e, at);
    Module.HEAPU8[at + e.length] = 0;
    addresses[i] = at;
    at += e.length + 1;
  });
  return addresses;
}

/**
 * Runs `fn` with a pointer to `count` elements of `type` from columns, in file layout in h5wasm's heap: typed
 * arrays already in that layout are copied once, anything else is encoded straight into the heap.
 */
export function withEncoded<T>(type: ElementType, columns: Columns, count: number, what: string, fn: (ptr: bigint) => T): T {
  const { size, fields, compound, hasVlenStrings } = layoutOf(type);
  const nbytes = count * size;
  const allocated: number[] = [];
  const allocate = (bytes: number) => {
    const ptr = Module._malloc(Math.max(bytes, 1));
    if (ptr === 0) throw new Error(`cannot allocate ${bytes} bytes for ${what}`);
    allocated.push(ptr);
    return ptr;
  };
  try {
    const ptr = allocate(nbytes);
    const strings = new Map<Field, Uint32Array>();
    for (const field of fields) {
      if (field.vlenString) strings.set(field, heapStrings(checkedColumn(columns, field, compound, count) as readonly string[], count, allocate));
    }
    // taken after the allocations, which may have grown (and so replaced) the heap
    const bytes = Module.HEAPU8.subarray(ptr, ptr + nbytes);
    const native = compound || hasVlenStrings ? undefined : nativeBytes(columns as Column, fields[0].meta);
    if (native && native.length === nbytes) {
      bytes.set(native);
    } else {
      bytes.fill(0);
      const view = new DataView(bytes.buffer, bytes.byteOffset, nbytes);
      for (const field of fields) {
        field.write(view, bytes, strings.get(field) ?? checkedColumn(columns, field, compound, count), field.offset, size, count);
      }
    }
    return fn(BigInt(ptr));
  } finally {
    for (const ptr of allocated) Module._free(ptr);
  }
}

function checkedColumn(columns: Columns, field: Field, compound: boolean, count: number): Column {
  const column = columnOf(columns, field, compound);
  if (column.length !== count) throw new Error(`column '${field.name}' has ${column.length} values; expected ${count}`);
  return column;
}

/** The elements of a compound dataset's bytes as columns by member name (references come back as null). */
function decodeCompound(layout: Layout, bytes: Uint8Array): Map<string, (number | string | null)[]> {
  const { size, fields } = layout;
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

/** Writes a dataset of `type` (or a hyperslab of it) from `elements` elements in columns. */
export function writeRaw(fileId: bigint, path: string, type: ElementType, columns: Columns, elements: number, slab?: Hyperslab): void {
  const [count, offset, strides] = selection(slab);
  withEncoded(type, columns, elements, path, (ptr) => Module.set_dataset_data(fileId, path, count, offset, strides, ptr));
}

/**
 * Runs `use` on the bytes of a dataset (or a hyperslab of it) as HDF5 reads them into h5wasm's heap, in the file's
 * layout; the bytes are valid only during `use`. `count` is the selection HDF5 was given.
 */
function withDatasetBytes<T>(fileId: bigint, path: string, nbytes: number, slab: Hyperslab | undefined, use: (bytes: Uint8Array, count: bigint[] | null, ptr: number) => T): T {
  const ptr = Module._malloc(Math.max(nbytes, 1));
  if (ptr === 0) throw new Error(`cannot allocate ${nbytes} bytes for ${path}`);
  try {
    const [count, offset, strides] = selection(slab);
    Module.get_dataset_data(fileId, path, count, offset, strides, BigInt(ptr));
    return use(Module.HEAPU8.subarray(ptr, ptr + nbytes), count, ptr);
  } finally {
    Module._free(ptr);
  }
}

/**
 * Reads rows [slab.offset, slab.offset + slab.count) of a one-dimensional compound dataset whose elements are
 * described by `meta` (the dataset's own metadata), decoded into columns by member name.
 */
export function readCompoundRows(fileId: bigint, path: string, meta: Metadata, slab: Hyperslab): Map<string, (number | string | null)[]> {
  const layout = layoutOf(meta);
  const rows = slab.count[0];
  if (rows === 0) return decodeCompound(layout, new Uint8Array());
  return withDatasetBytes(fileId, path, rows * layout.size, slab, (bytes, count, ptr) => {
    try {
      return decodeCompound(layout, bytes.slice());
    } finally {
      if (layout.hasVlenStrings) Module.reclaim_vlen_memory_count(fileId, path, '', BigInt(ptr), count as bigint[]);
    }
  });
}

function decodeNumericMember(compound: Metadata, bytes: Uint8Array, name: string): Float64Array {
  const member = compound.compound_type?.members.find((m) => m.name === name);
  if (!member) throw new Error(`compound member '${name}' missing`);
  const { offset, size, signed, type } = member;
  const stride = compound.size;
  const count = stride === 0 ? 0 : bytes.length / stride;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(count);
  const classes = Module.H5T_class_t;
  if (type === classes.H5T_FLOAT.value) {
    if (size === 8) for (let i = 0, at = offset; i < count; i++, at += stride) out[i] = view.getFloat64(at, true);
    else for (let i = 0, at = offset; i < count; i++, at += stride) out[i] = view.getFloat32(at, true);
  } else if (type === classes.H5T_INTEGER.value && size === 8) {
    for (let i = 0, at = offset; i < count; i++, at += stride) {
      out[i] = (signed ? view.getInt32(at + 4, true) : view.getUint32(at + 4, true)) * TWO_32 + view.getUint32(at, true);
    }
  } else if (type === classes.H5T_INTEGER.value && size === 1) {
    for (let i = 0, at = offset; i < count; i++, at += stride) out[i] = signed ? view.getInt8(at) : view.getUint8(at);
  } else if (type === classes.H5T_INTEGER.value) {
    for (let i = 0, at = offset; i < count; i++, at += stride) out[i] = readElement(view, bytes, at, member) as number;
  } else {
    throw new Error(`compound member '${name}' is not numeric (type class ${type})`);
  }
  return out;
}

/**
 * Numeric members of a compound dataset's rows (all of them, or a hyperslab), as numbers: a typed loop per member
 * over the raw rows, for seg_index's 10^4–10^5 rows per iteration where decoding every member of every row costs
 * ~10× more.
 */
export function readNumericMembers(fileId: bigint, path: string, meta: Metadata, names: readonly string[], slab?: Hyperslab): Float64Array[] {
  const rows = slab ? slab.count[0] : (meta.shape?.[0] ?? 0);
  if (rows === 0) return names.map(() => new Float64Array(0));
  return withDatasetBytes(fileId, path, rows * meta.size, slab, (bytes) => names.map((name) => decodeNumericMember(meta, bytes, name)));
}

/**
 * The bytes of a plain numeric dataset (or a hyperslab), in the file's layout, copied into `into` when given (a
 * caller reading many iterations reuses one buffer rather than having fresh memory mapped for every read).
 */
export function readNumericBytes(fileId: bigint, path: string, nbytes: number, slab?: Hyperslab, into?: Uint8Array): Uint8Array {
  return withDatasetBytes(fileId, path, nbytes, slab, (bytes) => {
    if (!into) return bytes.slice();
    into.set(bytes);
    return into.subarray(0, nbytes);
  });
}
