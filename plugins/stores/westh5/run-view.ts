/**
 * The read-only run view (core/run-view.ts) over any west.h5 in WESTPA's layout (ours or WESTPA's own).
 *
 * Safe beside a running `we run` or `w_run`: the file is opened read-only without any lock, only iterations
 * before west_current_iteration (complete ones, never rewritten by a run) are read, and a read that fails because
 * the writer was flushing its metadata at that moment (HDF5 offers non-SWMR readers no consistency) is retried on
 * a freshly opened file. A run that truncates the file replaces it by rename, so an open view keeps reading the
 * file it opened.
 */
import { existsSync } from 'node:fs';
import { WeError } from '../../../core/errors.js';
import type { IterationSegments, PcoordRows, RunView } from '../../../core/run-view.js';
import { Endpoint } from '../../../core/types.js';
import type { BasisState, InitialState, PcoordArray, PcoordShape, TargetState } from '../../../core/types.js';
import { Module } from 'h5wasm/node';
import { readNumericBytes, readNumericMembers } from './codec.js';
import type { Dataset, File } from './hdf5.js';
import { closeHdf5, getDataset, hasObject, hdf5Call, loadHdf5, openHdf5 } from './hdf5.js';
import { ITER, NEW_WEIGHTS, PATH, STATE_SET, iterationPath } from './layout.js';
import { checkWestH5, readCurrentIteration, readPcoordShape } from './read.js';

/** Attempts of one read before its error is reported, and the pause before the first retry (doubling after). */
const READ_ATTEMPTS = 6;
const FIRST_RETRY_MS = 25;

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Rows of a small dataset through h5wasm's own reader, which decodes WESTPA's variable-length strings. */
function rowsOf(ds: Dataset): unknown[][] {
  const count = ds.shape?.[0] ?? 0;
  return count === 0 ? [] : (ds.slice([[0, count]]) as unknown as unknown[][]);
}

function pointsOf(file: File, path: string): number[][] {
  const ds = getDataset(file, path);
  const [count = 0, ndim = 0] = ds.shape ?? [];
  if (count === 0 || ndim === 0) return Array.from({ length: count }, () => []);
  const flat = Array.from(ds.value as ArrayLike<number>, Number);
  return Array.from({ length: count }, (_, i) => flat.slice(i * ndim, (i + 1) * ndim));
}

/** The basis/initial state set and target state set valid for iteration n: its links, else set 0. */
function stateSetPaths(file: File, n: number): { ibstates: string; tstates?: string } {
  const group = iterationPath(n);
  const ibstates = hasObject(file, `${group}/${ITER.ibstates}`) ? `${group}/${ITER.ibstates}` : PATH.ibstateSet;
  const linked = `${group}/${ITER.tstates}`;
  const tstates = hasObject(file, `${linked}/${STATE_SET.tstateIndex}`) ? linked : hasObject(file, PATH.tstateSet) ? PATH.tstateSet : undefined;
  return { ibstates, tstates };
}

function readBasisStates(file: File, set: string): BasisState[] {
  const rows = rowsOf(getDataset(file, `${set}/${STATE_SET.bstateIndex}`));
  const points = pointsOf(file, `${set}/${STATE_SET.bstatePcoord}`);
  return rows.map(([label, probability, auxref], i) => ({
    label: String(label),
    probability: Number(probability),
    auxref: String(auxref),
    pcoord: points[i],
  }));
}

function readTargetStates(file: File, set: string | undefined): TargetState[] {
  if (set === undefined) return [];
  const rows = rowsOf(getDataset(file, `${set}/${STATE_SET.tstateIndex}`));
  const points = pointsOf(file, `${set}/${STATE_SET.tstatePcoord}`);
  return rows.map(([label], i) => ({ label: String(label), pcoord: points[i] }));
}

interface NewWeights {
  prevSegId: Float64Array;
  targetId: Float64Array;
}

/** A compound dataset's numeric members, all rows or rows [from, to). */
function readMembers(file: File, path: string, names: readonly string[], range?: { from: number; to: number }): Float64Array[] {
  const meta = Module.get_dataset_metadata(file.file_id, path);
  const slab = range ? { offset: [range.from], count: [range.to - range.from] } : undefined;
  return readNumericMembers(file.file_id, path, meta, names, slab);
}

/** Iteration n's new_weights (prev_seg_id, target_state_id), where WESTPA records what was recycled into n. */
function readNewWeights(file: File, n: number): NewWeights | undefined {
  const index = `${iterationPath(n)}/${ITER.newWeights}/${NEW_WEIGHTS.index}`;
  if (!hasObject(file, index)) return undefined;
  const [prevSegId, targetId] = readMembers(file, index, ['prev_seg_id', 'target_state_id']);
  return { prevSegId, targetId };
}

/**
 * Per recycled segment, its target: from the next iteration's new_weights (prev_seg_id, target_state_id), as
 * WESTPA records recycling; with one target state every recycled segment went there.
 */
function recycledTargets(
  n: number,
  endpoint: Uint8Array,
  newWeights: NewWeights | undefined,
  ntargets: number,
  source: string,
): Int32Array {
  const into = new Int32Array(endpoint.length).fill(-1);
  if (newWeights) {
    const { prevSegId, targetId } = newWeights;
    for (let k = 0; k < prevSegId.length; k++) {
      const seg = prevSegId[k];
      if (seg >= 0 && seg < into.length && endpoint[seg] === Endpoint.recycled && targetId[k] >= 0 && targetId[k] < ntargets) into[seg] = targetId[k];
    }
  }
  let unknown = 0;
  let first = -1;
  for (let i = 0; i < endpoint.length; i++) {
    if (endpoint[i] !== Endpoint.recycled || into[i] >= 0) continue;
    if (ntargets === 1) into[i] = 0;
    else if (unknown++ === 0) first = i;
  }
  if (unknown > 0) {
    throw new WeError(
      `iteration ${n}: ${unknown} recycled segment(s) (first: ${first}) have no new_weights entry in iteration ${n + 1} ` +
        `naming their target, and the run has ${ntargets} target states`,
      source,
    );
  }
  return into;
}


class WestH5RunView implements RunView {
  readonly lastIteration: number;
  readonly pcoord: PcoordShape;
  readonly basisStates: readonly BasisState[];
  readonly targetStates: readonly TargetState[];
  private readonly ibstateSet: string;

  constructor(
    readonly source: string,
    private file: File,
  ) {
    const opened = hdf5Call(source, 'reading failed', () => {
      const current = checkWestH5(file);
      const last = current - 1;
      const sets = stateSetPaths(file, current);
      return {
        last,
        shape: readPcoordShape(file, current),
        sets,
        basisStates: readBasisStates(file, sets.ibstates),
        targetStates: readTargetStates(file, sets.tstates),
      };
    });
    this.lastIteration = opened.last;
    this.pcoord = opened.shape;
    this.ibstateSet = opened.sets.ibstates;
    this.basisStates = opened.basisStates;
    this.targetStates = opened.targetStates;
  }

  segments(n: number): IterationSegments {
    this.checkIteration(n);
    const { members, newWeights } = this.read(`reading iteration ${n}`, (file) => ({
      members: readMembers(file, `${iterationPath(n)}/${ITER.segIndex}`, ['weight', 'parent_id', 'endpoint_type', 'walltime', 'cputime']),
      newWeights: readNewWeights(file, n + 1),
    }));
    const [weight, parent, endpoint, walltime, cputime] = members;
    const endpointType = Uint8Array.from(endpoint);
    return {
      iteration: n,
      n: weight.length,
      weight,
      parentId: Int32Array.from(parent),
      endpointType,
      recycledInto: recycledTargets(n, endpointType, newWeights, this.targetStates.length, this.source),
      walltime,
      cputime,
    };
  }

  recycling(n: number): Pick<IterationSegments, 'weight' | 'recycledInto'> {
    this.checkIteration(n);
    const { members, newWeights } = this.read(`reading iteration ${n}`, (file) => ({
      members: readMembers(file, `${iterationPath(n)}/${ITER.segIndex}`, ['weight', 'endpoint_type']),
      newWeights: readNewWeights(file, n + 1),
    }));
    const [weight, endpoint] = members;
    return { weight, recycledInto: recycledTargets(n, Uint8Array.from(endpoint), newWeights, this.targetStates.length, this.source) };
  }

  weights(n: number): Float64Array {
    this.checkIteration(n);
    return this.read(`reading iteration ${n}`, (file) => readMembers(file, `${iterationPath(n)}/${ITER.segIndex}`, ['weight'])[0]);
  }

  pcoords(n: number, rows: PcoordRows, reuse?: PcoordArray): PcoordArray {
    this.checkIteration(n);
    const { len, ndim, dtype } = this.pcoord;
    const path = `${iterationPath(n)}/${ITER.pcoord}`;
    const size = dtype === 'float32' ? 4 : 8;
    // Raw bytes straight into typed arrays: h5wasm's own value getter converts element by element.
    const { shape, bytes } = this.read(`reading iteration ${n}'s pcoord`, (file) => {
      const meta = Module.get_dataset_metadata(file.file_id, path);
      const shape = meta.shape ?? [];
      const count = shape[0] ?? 0;
      if (shape[1] !== len || shape[2] !== ndim || meta.size !== size || meta.type !== Module.H5T_class_t.H5T_FLOAT.value) return { shape, bytes: undefined };
      const nbytes = count * (rows === 'all' ? len : 1) * ndim * size;
      if (count === 0) return { shape, bytes: new Uint8Array() };
      // the whole buffer behind `reuse` (an earlier result may be a shorter view of it)
      const into = reuse && reuse.buffer.byteLength - reuse.byteOffset >= nbytes ? new Uint8Array(reuse.buffer, reuse.byteOffset) : undefined;
      const slab = rows === 'all' ? undefined : { offset: [0, rows === 'first' ? 0 : len - 1, 0], count: [count, 1, ndim] };
      return { shape, bytes: readNumericBytes(file.file_id, path, nbytes, slab, into) };
    });
    if (!bytes) {
      throw new WeError(`iteration ${n}'s pcoord has shape [${shape}] or another type; expected (segments, ${len}, ${ndim}) ${dtype} as the last iteration's`, this.source);
    }
    return dtype === 'float32' ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) : new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  }

  initialState(id: number): InitialState {
    const path = `${this.ibstateSet}/${STATE_SET.istateIndex}`;
    const count = this.read('reading initial states', (file) => getDataset(file, path).shape?.[0] ?? 0);
    if (!Number.isInteger(id) || id < 0 || id >= count) throw new WeError(`initial state ${id} is not in ${path} (it holds ${count})`, this.source);
    return this.read(`reading initial state ${id}`, (file) => {
      const [created, used, basis, type, status] = (getDataset(file, path).slice([[id, id + 1]]) as unknown as unknown[][])[0];
      const pcoord = getDataset(file, `${this.ibstateSet}/${STATE_SET.istatePcoord}`).slice([[id, id + 1], []]) as ArrayLike<number>;
      return {
        id,
        iterCreated: Number(created),
        iterUsed: Number(used),
        basisStateId: Number(basis),
        type: Number(type),
        status: Number(status),
        pcoord: Float64Array.from(pcoord),
      };
    });
  }

  timings(): { walltime: Float64Array; cputime: Float64Array } {
    return this.read('reading /summary', (file) => {
      const [walltime, cputime] = readMembers(file, PATH.summary, ['walltime', 'cputime'], { from: 0, to: this.lastIteration });
      return { walltime, cputime };
    });
  }

  close(): void {
    releaseReadOnly(this.file);
  }

  private checkIteration(n: number): void {
    if (this.lastIteration < 1) throw new WeError('holds no complete iteration yet (run `we run` first)', this.source);
    if (!Number.isInteger(n) || n < 1 || n > this.lastIteration) {
      throw new WeError(`iteration ${n} is out of range: complete iterations are 1 to ${this.lastIteration}`, this.source);
    }
  }

  /**
   * Runs one read; if it fails, reopens the file and tries again a few times before reporting the last error, as a
   * run writing the file can leave its metadata briefly inconsistent on disk.
   */
  private read<T>(what: string, fn: (file: File) => T): T {
    let delay = FIRST_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return hdf5Call(this.source, `${what} failed`, () => fn(this.file));
      } catch (error) {
        if (attempt === READ_ATTEMPTS) {
          if (!(error instanceof WeError)) throw error;
          throw new WeError(`${error.message} (after ${attempt} attempts; is a run rewriting the file?)`);
        }
        pause(delay);
        delay *= 2;
        this.reopen();
      }
    }
  }

  private reopen(): void {
    releaseReadOnly(this.file);
    this.file = openHdf5(this.source, 'r');
    const current = hdf5Call(this.source, 'reading failed', () => readCurrentIteration(this.file));
    if (current - 1 < this.lastIteration) {
      throw new WeError(`was truncated to iteration ${current} while being read; run the analysis again`, this.source);
    }
  }
}

/**
 * Closes a read-only handle, ignoring a failure: there is nothing to flush, and HDF5 can fail to release a handle
 * whose file a run rewrote meanwhile ("can't locate ID"), after every read through it was checked (and retried).
 */
function releaseReadOnly(file: File): void {
  try {
    closeHdf5(file);
  } catch {
    // the handle is gone either way; no data depended on it
  }
}

/**
 * Opens a west.h5 read-only as a RunView; WeError if it is missing, not HDF5, or not a west.h5. Opening reads the
 * root and the state tables, which a run may be rewriting at that moment: it is retried as reads are.
 */
export async function openRunView(path: string): Promise<RunView> {
  if (!existsSync(path)) throw new WeError('no such file: run `we init` and `we run` first, or name another run with -c we.yaml or -W west.h5', path);
  await loadHdf5();
  let delay = FIRST_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    let file: File | undefined;
    try {
      file = openHdf5(path, 'r');
      return new WestH5RunView(path, file);
    } catch (error) {
      if (file) releaseReadOnly(file);
      // a file that is not HDF5 at all, or not a west.h5, will not become one
      const permanent = !(error instanceof WeError) || /not an HDF5 file|not a west\.h5|format|cannot be read/.test(error.message);
      if (permanent || attempt === READ_ATTEMPTS) throw error;
      pause(delay);
      delay *= 2;
    }
  }
}
