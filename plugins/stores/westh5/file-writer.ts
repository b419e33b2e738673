/**
 * Writes to one open HDF5 file, remembering for the file's lifetime what it has established about it: the
 * links of each group it has looked into (listed once, or known from the start because it created the group),
 * each object's kind, each dataset's checked type and current shape, and each object's attribute names. A
 * commit's writes are then one HDF5 call each rather than a lookup, a metadata read, a type comparison and a
 * resize each. Only this writer may change the file while it is open. Its calls must run inside `hdf5Call`
 * (HDF5 failures throw); after a failure call `forget()`, since HDF5 may have done part of the failed call.
 */
import h5wasm, { Module } from 'h5wasm/node';
import type { Dtype, File, Metadata } from 'h5wasm/node';
import { WeError } from '../../../core/errors.js';
import type { Columns, ElementType, Hyperslab } from './codec.js';
import { metadataOf, withEncoded, writeRaw } from './codec.js';

export interface DatasetSpec {
  data: Columns;
  shape: number[];
  dtype: Dtype;
  /**
   * Chunk shape, for a dataset whose shape may change (every dimension is then resizable). Without it the
   * dataset is contiguous with a fixed shape: cheaper to create, and smaller, for data written once.
   */
  chunks?: number[];
}

interface KnownDataset {
  kind: 'dataset';
  /** The dataset's element type as found or made; `checked` once a writer's dtype has been checked against it. */
  dtype: Dtype;
  meta?: Metadata;
  checked?: Dtype;
  /** What writes are encoded as: the writer's dtype, or the file's own type where it differs but fits (below). */
  encodeAs: ElementType;
  shape: number[];
  resizable: boolean;
}

type Known = { kind: 'group' } | KnownDataset;

/** HDF5's H5S_UNLIMITED (outside what h5wasm exports). */
const UNLIMITED = 18446744073709551615n;

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export class FileWriter {
  /** Link names of groups looked into: every link of theirs is here. */
  private readonly links = new Map<string, Set<string>>();
  private readonly objects = new Map<string, Known>([['/', { kind: 'group' }]]);
  /** Attribute names by object path, where known. */
  private readonly attrNames = new Map<string, Set<string>>();

  constructor(readonly file: File) {}

  forget(): void {
    this.links.clear();
    this.objects.clear();
    this.objects.set('/', { kind: 'group' });
    this.attrNames.clear();
  }

  /**
   * Drops what is known of the group at `path` and everything in it (the group stays among its parent's links),
   * so that memory does not grow with every iteration a run writes.
   */
  forgetGroup(path: string): void {
    const inside = `${path}/`;
    for (const known of [this.objects, this.links, this.attrNames]) {
      for (const key of known.keys()) if (key === path || key.startsWith(inside)) known.delete(key);
    }
  }

  private where(path: string): string {
    return `${this.file.filename}:${path}`;
  }

  /** The link names of the group at `path` (none if there is no group there), listed from HDF5 once. */
  private linksOf(path: string): Set<string> {
    let names = this.links.get(path);
    if (names) return names;
    names = this.lookup(path)?.kind === 'group' ? new Set(Module.get_names(this.file.file_id, path, false)) : new Set<string>();
    this.links.set(path, names);
    return names;
  }

  /** What is at `path`: from memory where it is known, else asked of HDF5 once. */
  private lookup(path: string): Known | null {
    const known = this.objects.get(path);
    if (known) return known;
    if (!this.linksOf(parentOf(path)).has(nameOf(path))) return null;
    const type = Module.get_type(this.file.file_id, path);
    if (type === Module.H5G_GROUP) {
      this.objects.set(path, { kind: 'group' });
    } else if (type === Module.H5G_DATASET) {
      const ds = new h5wasm.Dataset(this.file.file_id, path);
      const meta = ds.metadata;
      this.objects.set(path, { kind: 'dataset', dtype: ds.dtype, meta, encodeAs: meta, shape: ds.shape ?? [], resizable: meta.chunks !== null });
    } else {
      throw new WeError(`expected a group or a dataset, found HDF5 object type ${type}`, this.where(path));
    }
    return this.objects.get(path) ?? null;
  }

  /** Records an object this writer made at `path`. */
  private made(path: string, known: Known): void {
    this.linksOf(parentOf(path)).add(nameOf(path));
    this.objects.set(path, known);
  }

  exists(path: string): boolean {
    return this.lookup(path) !== null;
  }

  /** The group at an absolute path, created one level at a time where missing. */
  group(path: string): void {
    const found = this.lookup(path);
    if (found?.kind === 'group') return;
    if (found) throw new WeError('a dataset found where a group was expected', this.where(path));
    this.group(parentOf(path));
    Module.create_group(this.file.file_id, path, false);
    this.made(path, { kind: 'group' });
    this.links.set(path, new Set());
    this.attrNames.set(path, new Set());
  }

  /** The shape of an existing dataset. */
  shape(path: string): number[] {
    return this.dataset(path).shape;
  }

  private dataset(path: string): KnownDataset {
    const found = this.lookup(path);
    if (found?.kind !== 'dataset') throw new WeError(found ? 'expected a dataset, found a group' : 'dataset missing', this.where(path));
    return found;
  }

  /**
   * An existing dataset, checked to take elements of type `dtype`: the same type, or one that differs only in how
   * strings are stored (fixed or variable length, as WESTPA's h5py writes them), which writes are then encoded as.
   */
  private typed(path: string, dtype: Dtype): KnownDataset {
    const ds = this.dataset(path);
    if (ds.checked === dtype) return ds;
    if (JSON.stringify(ds.dtype) === JSON.stringify(dtype)) {
      ds.encodeAs = dtype;
    } else if (!ds.meta || !sameExceptStrings(ds.meta, metadataOf(dtype))) {
      throw new WeError(`has type ${JSON.stringify(ds.dtype)}; expected ${JSON.stringify(dtype)}`, this.where(path));
    }
    // checked: later writes compare by identity (layout.ts's constants)
    ds.checked = dtype;
    return ds;
  }

  /**
   * Writes a whole dataset: created with its data where missing, otherwise reused (h5wasm cannot delete links)
   * after checking its type, resized if its shape differs, and written as raw bytes.
   */
  put(path: string, spec: DatasetSpec): void {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const found = this.lookup(path);
    if (found === null) {
      this.group(parentOf(path));
      const { chunks } = spec;
      const shape = spec.shape.map(BigInt);
      withEncoded(spec.dtype, spec.data, count, path, (ptr) =>
        Module.create_dataset(this.file.file_id, path, ptr, {
          ...metadataOf(spec.dtype),
          shape,
          maxshape: chunks ? shape.map(() => UNLIMITED) : shape,
          chunks: chunks ? chunks.map(BigInt) : null,
          compression: 0,
          compression_opts: [],
          track_order: false,
        } as Parameters<typeof Module.create_dataset>[3]),
      );
      this.made(path, { kind: 'dataset', dtype: spec.dtype, checked: spec.dtype, encodeAs: spec.dtype, shape: spec.shape.slice(), resizable: chunks !== undefined });
      this.attrNames.set(path, new Set());
      return;
    }
    const ds = this.typed(path, spec.dtype);
    this.resize(path, spec.shape);
    if (count > 0) writeRaw(this.file.file_id, path, ds.encodeAs, spec.data, count);
  }

  /** Sets a dataset's shape (same rank); a no-op when it already has it. */
  resize(path: string, shape: number[]): void {
    const ds = this.dataset(path);
    if (sameShape(ds.shape, shape)) return;
    if (ds.shape.length !== shape.length || !ds.resizable) {
      throw new WeError(`has shape [${ds.shape}]; expected [${shape}], and it cannot be resized to that`, this.where(path));
    }
    Module.resize_dataset(this.file.file_id, path, shape.map(BigInt));
    ds.shape = shape.slice();
  }

  /** Writes rows [first, first + rows) of an existing dataset of type `dtype` (whole in its other dimensions). */
  writeRows(path: string, dtype: Dtype, first: number, rows: number, data: Columns): void {
    const ds = this.typed(path, dtype);
    if (first + rows > (ds.shape[0] ?? 0)) {
      throw new WeError(`has ${ds.shape[0]} rows; cannot write rows ${first} to ${first + rows - 1}`, this.where(path));
    }
    if (rows === 0) return;
    const rest = ds.shape.slice(1);
    const slab: Hyperslab = { offset: [first, ...rest.map(() => 0)], count: [rows, ...rest] };
    writeRaw(this.file.file_id, path, ds.encodeAs, data, rest.reduce((a, b) => a * b, rows), slab);
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
    this.made(path, found);
  }
}

/** Same members in the same order, with the same numeric types; strings may be fixed or variable length. */
function sameExceptStrings(found: Metadata, expected: Metadata): boolean {
  const foundMembers = found.compound_type?.members ?? [{ ...found, name: '' }];
  const expectedMembers = expected.compound_type?.members ?? [{ ...expected, name: '' }];
  const STRING = Module.H5T_class_t.H5T_STRING.value;
  return (
    foundMembers.length === expectedMembers.length &&
    foundMembers.every((f, i) => {
      const e = expectedMembers[i];
      if (f.name !== e.name || f.type !== e.type) return false;
      return f.type === STRING || (f.size === e.size && f.signed === e.signed && f.littleEndian === e.littleEndian);
    })
  );
}
