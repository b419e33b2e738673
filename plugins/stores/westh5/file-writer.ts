/**
 * Writes to one open HDF5 file, remembering for the file's lifetime what it has established about it: which
 * objects exist (datasets with their checked type and current shape), which groups it created itself (so that
 * it knows every child of theirs), and which attributes an object has. A commit's writes are then one HDF5 call
 * each rather than a lookup, a metadata read, a type comparison and a resize each. Only this writer may change
 * the file while it is open. Its calls must run inside `hdf5Call` (HDF5 failures throw); after a failure call
 * `forget()`, since HDF5 may have done part of the failed call.
 */
import h5wasm, { Module } from 'h5wasm/node';
import type { Dtype, File } from 'h5wasm/node';
import { WeError } from '../../../core/errors.js';
import type { Columns, Hyperslab } from './codec.js';
import { encode, metadataOf, withHeapCopy, writeRaw } from './codec.js';

export interface DatasetSpec {
  data: Columns;
  shape: number[];
  dtype: Dtype;
  /** Chunk shape; every dimension is resizable, so a rewrite of any shape reuses the dataset. */
  chunks: number[];
}

type Known = { kind: 'group' } | { kind: 'dataset'; dtype: Dtype; shape: number[] };

/** HDF5's H5S_UNLIMITED (outside what h5wasm exports). */
const UNLIMITED = 18446744073709551615n;

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export class FileWriter {
  private readonly objects = new Map<string, Known>();
  /** Groups this writer created: every child of theirs is in `objects`. */
  private readonly createdGroups = new Set<string>();
  /** Attribute names by object path, where known. */
  private readonly attrNames = new Map<string, Set<string>>();

  constructor(readonly file: File) {}

  forget(): void {
    this.objects.clear();
    this.createdGroups.clear();
    this.attrNames.clear();
  }

  private where(path: string): string {
    return `${this.file.filename}:${path}`;
  }

  /** What is at `path`: from memory where it can be known, else asked of HDF5 once. */
  private lookup(path: string): Known | null {
    const known = this.objects.get(path);
    if (known) return known;
    if (this.createdGroups.has(parentOf(path))) return null;
    const type = Module.get_type(this.file.file_id, path);
    if (type < 0) return null;
    if (type === Module.H5G_GROUP) {
      this.objects.set(path, { kind: 'group' });
    } else if (type === Module.H5G_DATASET) {
      const ds = new h5wasm.Dataset(this.file.file_id, path);
      this.objects.set(path, { kind: 'dataset', dtype: ds.dtype, shape: ds.shape ?? [] });
    } else {
      throw new WeError(`expected a group or a dataset, found HDF5 object type ${type}`, this.where(path));
    }
    return this.objects.get(path) ?? null;
  }

  exists(path: string): boolean {
    return this.lookup(path) !== null;
  }

  /** The group at an absolute path, created one level at a time where missing. */
  group(path: string): void {
    if (path === '/') return;
    const found = this.lookup(path);
    if (found?.kind === 'group') return;
    if (found) throw new WeError('a dataset found where a group was expected', this.where(path));
    this.group(parentOf(path));
    Module.create_group(this.file.file_id, path, false);
    this.objects.set(path, { kind: 'group' });
    this.createdGroups.add(path);
    this.attrNames.set(path, new Set());
  }

  /** The shape of an existing dataset. */
  shape(path: string): number[] {
    return this.dataset(path).shape;
  }

  private dataset(path: string): Extract<Known, { kind: 'dataset' }> {
    const found = this.lookup(path);
    if (found?.kind !== 'dataset') throw new WeError(found ? 'expected a dataset, found a group' : 'dataset missing', this.where(path));
    return found;
  }

  /**
   * Writes a whole dataset: created with its data where missing, otherwise reused (h5wasm cannot delete links)
   * after checking its type, resized if its shape differs, and written as raw bytes.
   */
  put(path: string, spec: DatasetSpec): void {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = encode(spec.dtype, spec.data, count);
    const found = this.lookup(path);
    if (found === null) {
      this.group(parentOf(path));
      withHeapCopy(bytes, path, (ptr) =>
        Module.create_dataset(this.file.file_id, path, ptr, {
          ...metadataOf(spec.dtype),
          shape: spec.shape.map(BigInt),
          maxshape: spec.shape.map(() => UNLIMITED),
          chunks: spec.chunks.map(BigInt),
          compression: 0,
          compression_opts: [],
          track_order: false,
        } as Parameters<typeof Module.create_dataset>[3]),
      );
      this.objects.set(path, { kind: 'dataset', dtype: spec.dtype, shape: spec.shape.slice() });
      this.attrNames.set(path, new Set());
      return;
    }
    if (found.kind !== 'dataset') throw new WeError('expected a dataset, found a group', this.where(path));
    const foundType = JSON.stringify(found.dtype);
    const expectedType = JSON.stringify(spec.dtype);
    if (found.dtype !== spec.dtype && foundType !== expectedType) {
      throw new WeError(`has type ${foundType}; expected ${expectedType}`, this.where(path));
    }
    // Equal types: later writes compare by identity (the layout constants) and skip the JSON.
    found.dtype = spec.dtype;
    this.resize(path, spec.shape);
    if (count > 0) writeRaw(this.file.file_id, path, bytes);
  }

  /** Sets a dataset's shape (same rank); a no-op when it already has it. */
  resize(path: string, shape: number[]): void {
    const ds = this.dataset(path);
    if (ds.shape.length !== shape.length) throw new WeError(`has shape [${ds.shape}]; expected rank ${shape.length}`, this.where(path));
    if (sameShape(ds.shape, shape)) return;
    Module.resize_dataset(this.file.file_id, path, shape.map(BigInt));
    ds.shape = shape.slice();
  }

  /** Writes rows [first, first + rows) of an existing dataset (whole in its other dimensions) from columns. */
  writeRows(path: string, first: number, rows: number, data: Columns): void {
    const ds = this.dataset(path);
    if (first + rows > (ds.shape[0] ?? 0)) {
      throw new WeError(`has ${ds.shape[0]} rows; cannot write rows ${first} to ${first + rows - 1}`, this.where(path));
    }
    if (rows === 0) return;
    const rest = ds.shape.slice(1);
    const slab: Hyperslab = { offset: [first, ...rest.map(() => 0)], count: [rows, ...rest] };
    writeRaw(this.file.file_id, path, encode(ds.dtype, data, rest.reduce((a, b) => a * b, rows)), slab);
  }

  /** Writes an attribute, replacing any existing one (HDF5 refuses to create an attribute twice). */
  setAttr(path: string, name: string, value: number | string): void {
    let names = this.attrNames.get(path);
    if (!names) {
      names = new Set(Module.get_attribute_names(this.file.file_id, path));
      this.attrNames.set(path, names);
    }
    if (names.has(name)) Module.delete_attribute(this.file.file_id, path, name);
    names.delete(name);
    const obj = new h5wasm.Group(this.file.file_id, path);
    if (typeof value === 'string') obj.create_attribute(name, value);
    else obj.create_attribute(name, value, null, '<q');
    names.add(name);
  }

  /** Hard link `name` in group `groupPath` to the object at `target`, unless the link exists or the target does not. */
  link(groupPath: string, name: string, target: string): void {
    const path = `${groupPath}/${name}`;
    const found = this.lookup(target);
    if (found === null || this.lookup(path) !== null) return;
    if (Module.create_hard_link(this.file.file_id, target, path) < 0) throw new WeError(`cannot link to ${target}`, this.where(path));
    this.objects.set(path, found);
  }
}
