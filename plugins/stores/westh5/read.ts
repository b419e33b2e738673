/** Readers for west.h5: validation of the root, and each part the writers produce, back into engine types. */
import { WeError } from '../../../core/errors.js';
import type { SummaryRow } from '../../../core/plugins.js';
import type { BasisState, InitialState, PcoordShape, PreparedIteration, TargetState } from '../../../core/types.js';
import type { File } from './hdf5.js';
import { getDataset, getGroup, hasObject, readAttr, readColumns, toNumbers } from './hdf5.js';
import type { Auxdata, IterationGroupData, NewWeightsData } from './iteration-data.js';
import { newPcoordArray, newPointArray } from './iteration-data.js';
import { ATTR, FILE_FORMAT_VERSION, ITER, NEW_WEIGHTS, PATH, STATE_SET, SUMMARY_DTYPE, iterationPath } from './layout.js';

function integerAttr(file: File, name: string): number | undefined {
  const value = readAttr(file, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new WeError(`root attribute ${name} is ${String(value)}; expected an integer`, file.filename);
  return n;
}

/** Checks that the file is a west.h5 of format 9 with its current iteration present; returns that iteration. */
export function checkWestH5(file: File): number {
  const where = file.filename;
  const version = integerAttr(file, ATTR.formatVersion);
  if (version === undefined) {
    throw new WeError(`is an HDF5 file but not a west.h5: root attribute ${ATTR.formatVersion} is missing`, where);
  }
  if (version !== FILE_FORMAT_VERSION) {
    const relation = version > FILE_FORMAT_VERSION ? 'newer than' : 'older than';
    throw new WeError(`has ${ATTR.formatVersion} ${version}, ${relation} the format ${FILE_FORMAT_VERSION} this we reads and writes`, where);
  }
  const current = integerAttr(file, ATTR.currentIteration);
  if (current === undefined || current < 1) {
    throw new WeError(`root attribute ${ATTR.currentIteration} is ${current ?? 'missing'}; expected >= 1 (initialisation never finished?)`, where);
  }
  for (const path of [PATH.summary, PATH.ibstateSet, iterationPath(current)]) {
    if (!hasObject(file, path)) throw new WeError(`${path} is missing although ${ATTR.currentIteration} is ${current} (file damaged)`, where);
  }
  return current;
}

export function readCurrentIteration(file: File): number {
  return integerAttr(file, ATTR.currentIteration) ?? 0;
}

/** The pcoord shape the file was written with, from an iteration's pcoord dataset. */
export function readPcoordShape(file: File, iteration: number): PcoordShape {
  const ds = getDataset(file, `${iterationPath(iteration)}/${ITER.pcoord}`);
  const [, len, ndim] = ds.shape ?? [];
  const dtype = ds.dtype === '<f' ? 'float32' : ds.dtype === '<d' ? 'float64' : undefined;
  if (len === undefined || ndim === undefined || dtype === undefined) {
    throw new WeError(`has shape [${ds.shape}] and type ${JSON.stringify(ds.dtype)}; expected (n, len, ndim) float32 or float64`, `${file.filename}:${ds.path}`);
  }
  return { len, ndim, dtype };
}

/** A numeric dataset's values (empty when any dimension is 0, which h5wasm cannot read). */
function readValues(file: File, path: string): { values: ArrayLike<number | bigint>; shape: number[] } {
  const ds = getDataset(file, path);
  const shape = ds.shape ?? [];
  if (shape.some((d) => d === 0)) return { values: [], shape };
  return { values: ds.value as ArrayLike<number | bigint>, shape };
}

function requireIteration(file: File, n: number): string {
  const path = iterationPath(n);
  if (!hasObject(file, path)) throw new WeError(`iteration ${n} is not in the file (${path} missing)`, file.filename);
  return path;
}

/** seg_index as written, checking that the weight graph offsets are contiguous. */
function readSegIndex(file: File, path: string) {
  const cols = readColumns(file, `${path}/${ITER.segIndex}`, [
    'weight', 'parent_id', 'wtg_n_parents', 'wtg_offset', 'cputime', 'walltime', 'endpoint_type', 'status',
  ]);
  const n = cols.weight.length;
  const wtgOffset = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    wtgOffset[i] = Number(cols.wtg_offset[i]);
    wtgOffset[i + 1] = wtgOffset[i] + Number(cols.wtg_n_parents[i]);
    if (i > 0 && wtgOffset[i] !== wtgOffset[i - 1] + Number(cols.wtg_n_parents[i - 1])) {
      throw new WeError(`seg_index row ${i}: wtg_offset ${wtgOffset[i]} does not follow the previous row's parents`, `${file.filename}:${path}`);
    }
  }
  return { n, cols, wtgOffset };
}

const ISTATE_INDEX = `${PATH.ibstateSet}/${STATE_SET.istateIndex}`;
const ISTATE_PCOORD = `${PATH.ibstateSet}/${STATE_SET.istatePcoord}`;
const ISTATE_COLUMNS = ['iter_created', 'iter_used', 'basis_state_id', 'istate_type', 'istate_status'] as const;

/** The initial states with ids in [range.from, range.to), or all of them. */
export function readIstates(file: File, range?: { from: number; to: number }): InitialState[] {
  const cols = readColumns(file, ISTATE_INDEX, ISTATE_COLUMNS, range);
  const from = range?.from ?? 0;
  const count = cols.iter_created.length;
  const pcoord = getDataset(file, ISTATE_PCOORD);
  const ndim = pcoord.shape?.[1] ?? 0;
  const values = count > 0 && ndim > 0 ? toNumbers(pcoord.slice([[from, from + count], []]) as ArrayLike<number>) : [];
  return cols.iter_created.map((_, i) => ({
    id: from + i,
    iterCreated: Number(cols.iter_created[i]),
    iterUsed: Number(cols.iter_used[i]),
    basisStateId: Number(cols.basis_state_id[i]),
    type: Number(cols.istate_type[i]),
    status: Number(cols.istate_status[i]),
    pcoord: Float64Array.from(values.slice(i * ndim, (i + 1) * ndim)),
  }));
}

/**
 * Number of initial states made before iteration `iteration` ran: the rows a redone (or truncated) `iteration`
 * keeps, and the id the next new state gets. A state made by recycling at the end of iteration N has iter_created
 * N (as in WESTPA) and rows are appended in that order, so these rows are a prefix: those created by earlier
 * iterations, and for iteration 1 those made at initialisation (iter_created 1, iter_used 1). iter_used would not
 * do: WESTPA leaves spare states at 0 and uses them later. A binary search reads a few rows, and one row when,
 * as usual, the table holds no later states.
 */
export function countIstates(file: File, iteration: number): number {
  const rows = getDataset(file, ISTATE_INDEX).shape?.[0] ?? 0;
  const row = (k: number) => readColumns(file, ISTATE_INDEX, ['iter_created', 'iter_used'], { from: k, to: k + 1 });
  const kept = (k: number) => {
    const r = row(k);
    const created = Number(r.iter_created[0]);
    return created < iteration || (iteration === 1 && created === 1 && Number(r.iter_used[0]) <= 1);
  };
  if (iteration === 1) {
    // the states made at initialisation: one per basis state (and WESTPA's segs_per_state), a handful
    let k = 0;
    while (k < rows && kept(k)) k++;
    return k;
  }
  if (rows === 0 || kept(rows - 1)) return rows;
  // rows before `lo` are kept; row `hi` is not
  let lo = 0;
  let hi = rows - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (kept(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The initial states with the given ids (in the order of their ids), read as one range of rows. */
function readIstatesById(file: File, ids: readonly number[]): InitialState[] {
  if (ids.length === 0) return [];
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const rows = getDataset(file, ISTATE_INDEX).shape?.[0] ?? 0;
  const last = sorted[sorted.length - 1];
  if (sorted[0] < 0 || last >= rows) {
    throw new WeError(`initial state ${sorted[0] < 0 ? sorted[0] : last} is referenced but the table has ${rows} rows`, `${file.filename}:${ISTATE_INDEX}`);
  }
  const range = readIstates(file, { from: sorted[0], to: last + 1 });
  return sorted.map((id) => range[id - sorted[0]]);
}

export function readPreparedIteration(file: File, n: number): PreparedIteration {
  const path = requireIteration(file, n);
  const shape = readPcoordShape(file, n);
  const { n: count, cols, wtgOffset } = readSegIndex(file, path);
  const initialPoints = new Float64Array(count * shape.ndim);
  if (count > 0 && shape.ndim > 0) {
    const row0 = getDataset(file, `${path}/${ITER.pcoord}`).slice([[0, count], [0, 1], []]) as ArrayLike<number>;
    initialPoints.set(row0);
  }
  const wtgraph = readValues(file, `${path}/${ITER.wtgraph}`).values;
  if (wtgraph.length !== wtgOffset[count]) {
    throw new WeError(`wtgraph has ${wtgraph.length} entries; seg_index refers to ${wtgOffset[count]}`, `${file.filename}:${path}`);
  }
  return {
    iteration: n,
    n: count,
    weight: Float64Array.from(toNumbers(cols.weight)),
    parentId: Int32Array.from(toNumbers(cols.parent_id)),
    wtgOffset,
    wtgParents: Int32Array.from(toNumbers(wtgraph)),
    initialPoints,
    binTargetCounts: readBinTargetCounts(file, path),
    // the states its segments start from (WESTPA also keeps spare ones in the table, with iter_used 0)
    newIstates: readIstatesById(file, Array.from(cols.parent_id, (p) => Number(p)).filter((p) => p < 0).map((p) => -(p + 1))),
  };
}

/** An iteration's bin_target_counts (empty where WESTPA's w_init wrote none, in iteration 1). */
function readBinTargetCounts(file: File, path: string): Uint32Array {
  const countsPath = `${path}/${ITER.binTargetCounts}`;
  return hasObject(file, countsPath) ? Uint32Array.from(toNumbers(readValues(file, countsPath).values)) : new Uint32Array(0);
}

/** An iteration's new_weights group, if it has one. */
export function readNewWeights(file: File, n: number, shape: PcoordShape): NewWeightsData | undefined {
  const path = `${requireIteration(file, n)}/${ITER.newWeights}`;
  if (!hasObject(file, path)) return undefined;
  const cols = readColumns(file, `${path}/${NEW_WEIGHTS.index}`, ['source_type', 'weight', 'prev_seg_id', 'target_state_id', 'initial_state_id']);
  const points = (name: string) => {
    const { values } = readValues(file, `${path}/${name}`);
    const array = newPointArray(shape, cols.weight.length);
    array.set(toNumbers(values));
    return array;
  };
  return {
    sourceType: Uint8Array.from(toNumbers(cols.source_type)),
    weight: Float64Array.from(toNumbers(cols.weight)),
    prevSegId: Int32Array.from(toNumbers(cols.prev_seg_id)),
    targetStateId: Int32Array.from(toNumbers(cols.target_state_id)),
    initialStateId: Int32Array.from(toNumbers(cols.initial_state_id)),
    prevInitPcoord: points(NEW_WEIGHTS.prevInitPcoord),
    prevFinalPcoord: points(NEW_WEIGHTS.prevFinalPcoord),
    newInitPcoord: points(NEW_WEIGHTS.newInitPcoord),
  };
}

/** Everything an iteration group holds, as the writer takes it. */
export function readIterationGroup(file: File, n: number): IterationGroupData {
  const path = requireIteration(file, n);
  const shape = readPcoordShape(file, n);
  const { n: count, cols } = readSegIndex(file, path);
  const pcoord = newPcoordArray(shape, count);
  pcoord.set(toNumbers(readValues(file, `${path}/${ITER.pcoord}`).values));

  let auxdata: Auxdata | undefined;
  const auxPath = `${path}/${ITER.auxdata}`;
  if (hasObject(file, auxPath)) {
    auxdata = {};
    for (const name of getGroup(file, auxPath).keys()) {
      const { values, shape: auxShape } = readValues(file, `${auxPath}/${name}`);
      auxdata[name] = { data: Float64Array.from(toNumbers(values)), shape: auxShape };
    }
  }
  const fluxPath = `${path}/${ITER.targetFlux}`;
  const binhash = readAttr(getGroup(file, path), ATTR.binhash);
  return {
    iteration: n,
    binhash: binhash === undefined ? undefined : String(binhash),
    segIndex: {
      weight: Float64Array.from(toNumbers(cols.weight)),
      parentId: Int32Array.from(toNumbers(cols.parent_id)),
      wtgNParents: Uint32Array.from(toNumbers(cols.wtg_n_parents)),
      wtgOffset: Uint32Array.from(toNumbers(cols.wtg_offset)),
      cputime: Float64Array.from(toNumbers(cols.cputime)),
      walltime: Float64Array.from(toNumbers(cols.walltime)),
      endpointType: Uint8Array.from(toNumbers(cols.endpoint_type)),
      status: Uint8Array.from(toNumbers(cols.status)),
    },
    pcoord,
    wtgraph: Int32Array.from(toNumbers(readValues(file, `${path}/${ITER.wtgraph}`).values)),
    binTargetCounts: readBinTargetCounts(file, path),
    targetFlux: hasObject(file, fluxPath) ? Float64Array.from(toNumbers(readValues(file, fluxPath).values)) : undefined,
    auxdata,
    newWeights: readNewWeights(file, n, shape),
  };
}

export function readBasisStates(file: File): BasisState[] {
  const cols = readColumns(file, `${PATH.ibstateSet}/${STATE_SET.bstateIndex}`, ['label', 'probability', 'auxref']);
  const { values, shape } = readValues(file, `${PATH.ibstateSet}/${STATE_SET.bstatePcoord}`);
  const ndim = shape[1] ?? 0;
  const pcoords = toNumbers(values);
  return cols.label.map((label, i) => ({
    label: String(label),
    probability: Number(cols.probability[i]),
    auxref: String(cols.auxref[i]),
    pcoord: pcoords.slice(i * ndim, (i + 1) * ndim),
  }));
}

export function readTargetStates(file: File): TargetState[] {
  if (!hasObject(file, PATH.tstateSet)) return [];
  const cols = readColumns(file, `${PATH.tstateSet}/${STATE_SET.tstateIndex}`, ['label']);
  const { values, shape } = readValues(file, `${PATH.tstateSet}/${STATE_SET.tstatePcoord}`);
  const ndim = shape[1] ?? 0;
  const pcoords = toNumbers(values);
  return cols.label.map((label, i) => ({ label: String(label), pcoord: pcoords.slice(i * ndim, (i + 1) * ndim) }));
}

export function readSummary(file: File): SummaryRow[] {
  const names = SUMMARY_DTYPE.map(([name]) => name);
  const cols = readColumns(file, PATH.summary, names);
  return cols.n_particles.map((_, i) => ({
    nParticles: Number(cols.n_particles[i]),
    norm: Number(cols.norm[i]),
    minBinProb: Number(cols.min_bin_prob[i]),
    maxBinProb: Number(cols.max_bin_prob[i]),
    minSegProb: Number(cols.min_seg_prob[i]),
    maxSegProb: Number(cols.max_seg_prob[i]),
    cputime: Number(cols.cputime[i]),
    walltime: Number(cols.walltime[i]),
    binhash: String(cols.binhash[i]),
  }));
}
