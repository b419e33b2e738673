/**
 * Writers for each part of west.h5. Every writer overwrites in place, so repeating a write is harmless. Datasets
 * written once with their final shape are contiguous; only /summary and the istate tables, which grow, are chunked.
 */
import { WeError } from '../../../core/errors.js';
import type { SummaryRow } from '../../../core/plugins.js';
import type { BasisState, InitialState, PcoordShape, TargetState } from '../../../core/types.js';
import { Reference } from 'h5wasm/node';
import { getGroup } from './hdf5.js';
import type { Column } from './codec.js';
import type { FileWriter } from './file-writer.js';
import type { IterationGroupData, NewWeightsData } from './iteration-data.js';
import {
  ATTR,
  BIN_TARGET_COUNTS_DTYPE,
  BSTATE_DTYPE,
  FILE_FORMAT_VERSION,
  FLOAT64,
  IBSTATE_INDEX_DTYPE,
  ISTATE_DTYPE,
  ITER,
  ITER_PREC,
  NEW_WEIGHTS,
  NW_INDEX_DTYPE,
  PATH,
  SEG_INDEX_DTYPE,
  STATE_SET,
  STRING_BYTES,
  SUMMARY_DTYPE,
  TSTATE_DTYPE,
  TSTATE_INDEX_DTYPE,
  WTGRAPH_DTYPE,
  iterationPath,
  pcoordH5Dtype,
} from './layout.js';

const SUMMARY_CHUNK_ROWS = 64;
const ISTATE_CHUNK_ROWS = 64;
const ISTATE_INDEX = `${PATH.ibstateSet}/${STATE_SET.istateIndex}`;
const ISTATE_PCOORD = `${PATH.ibstateSet}/${STATE_SET.istatePcoord}`;

/** Fixed-length string column; WeError for a value that would not fit (h5wasm would cut it silently). */
function fixedStrings(values: string[], where: string, field: (i: number) => string): string[] {
  values.forEach((value, i) => {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > STRING_BYTES) {
      throw new WeError(`${field(i)} ('${value.slice(0, 20)}…') is ${bytes} bytes; at most ${STRING_BYTES} fit in west.h5`, where);
    }
  });
  return values;
}

function pcoordRows(values: ArrayLike<number>, shape: PcoordShape): Float32Array | Float64Array {
  return shape.dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
}

export function writeRootAttrs(w: FileWriter, westVersion: string): void {
  w.setAttr('/', ATTR.formatVersion, FILE_FORMAT_VERSION);
  w.setAttr('/', ATTR.iterPrec, ITER_PREC);
  w.setAttr('/', ATTR.version, westVersion);
}

/** The iteration pointer; written last in every commit. */
export function setCurrentIteration(w: FileWriter, n: number): void {
  w.setAttr('/', ATTR.currentIteration, n);
}

function writeStateSetIndex(w: FileWriter, path: string, dtype: typeof IBSTATE_INDEX_DTYPE, countName: string, count: number, setPath: string | null): void {
  const ref = setPath ? getGroup(w.file, setPath).create_reference() : new Reference(new Uint8Array(8));
  w.put(path, {
    data: new Map<string, Column>([
      ['iter_valid', [0]],
      [countName, [count]],
      ['group_ref', [ref]],
    ]),
    shape: [1],
    dtype,
  });
}

/**
 * /ibstates/index and set 0 with its basis states (istates are written by appendIstates), and /tstates/index
 * with set 0 when there are target states. WESTPA validates both indexes from iteration 0 on, and writes the
 * target state index even when there are none (with a null reference), which its readers expect.
 */
export function writeStateSets(w: FileWriter, basisStates: BasisState[], bstatePcoords: Float64Array, targetStates: TargetState[], shape: PcoordShape): void {
  const where = w.file.filename;
  w.group(PATH.ibstateSet);
  w.put(`${PATH.ibstateSet}/${STATE_SET.bstateIndex}`, {
    data: new Map<string, Column>([
      ['label', fixedStrings(basisStates.map((s) => s.label), where, (i) => `basis state label ${i}`)],
      ['probability', Float64Array.from(basisStates, (s) => s.probability)],
      ['auxref', fixedStrings(basisStates.map((s) => s.auxref), where, (i) => `basis state auxref ${i}`)],
    ]),
    shape: [basisStates.length],
    dtype: BSTATE_DTYPE,
  });
  w.put(`${PATH.ibstateSet}/${STATE_SET.bstatePcoord}`, {
    data: pcoordRows(bstatePcoords, shape),
    shape: [basisStates.length, shape.ndim],
    dtype: pcoordH5Dtype(shape.dtype),
  });
  writeStateSetIndex(w, PATH.ibstatesIndex, IBSTATE_INDEX_DTYPE, 'n_bstates', basisStates.length, PATH.ibstateSet);

  const hasTargets = targetStates.length > 0;
  if (hasTargets) {
    w.group(PATH.tstateSet);
    w.put(`${PATH.tstateSet}/${STATE_SET.tstateIndex}`, {
      data: new Map<string, Column>([['label', fixedStrings(targetStates.map((s) => s.label), where, (i) => `target state label ${i}`)]]),
      shape: [targetStates.length],
      dtype: TSTATE_DTYPE,
    });
    w.put(`${PATH.tstateSet}/${STATE_SET.tstatePcoord}`, {
      data: pcoordRows(targetStates.flatMap((s) => s.pcoord), shape),
      shape: [targetStates.length, shape.ndim],
      dtype: pcoordH5Dtype(shape.dtype),
    });
  }
  writeStateSetIndex(w, PATH.tstatesIndex, TSTATE_INDEX_DTYPE, 'n_states', targetStates.length, hasTargets ? PATH.tstateSet : null);
}

/**
 * Writes initial states `firstId`, `firstId` + 1, … as rows of the istate table, which ends with them: rows after
 * them, left by an interrupted commit, are cut. An initial state's id is its row, and iter_created must not
 * decrease along the table (countIstates relies on it).
 */
export function appendIstates(w: FileWriter, istates: InitialState[], firstId: number, shape: PcoordShape): void {
  const where = w.file.filename;
  istates.forEach((s, i) => {
    if (s.id !== firstId + i) {
      throw new WeError(`initial state at position ${i} has id ${s.id}; expected ${firstId + i} (ids continue the ${firstId} earlier ones in order)`, where);
    }
    if (i > 0 && s.iterCreated < istates[i - 1].iterCreated) {
      throw new WeError(`initial state ${s.id} has iter_created ${s.iterCreated}, before the ${istates[i - 1].iterCreated} of the state before it`, where);
    }
    if (s.pcoord.length !== shape.ndim) {
      throw new WeError(`initial state ${s.id} has a pcoord of ${s.pcoord.length} values; expected ${shape.ndim} (pcoord ndim)`, where);
    }
  });
  if (!w.exists(ISTATE_INDEX)) {
    w.put(ISTATE_INDEX, { data: istateColumns([]), shape: [0], dtype: ISTATE_DTYPE, chunks: [ISTATE_CHUNK_ROWS] });
    w.put(ISTATE_PCOORD, { data: [], shape: [0, shape.ndim], dtype: pcoordH5Dtype(shape.dtype), chunks: [ISTATE_CHUNK_ROWS, shape.ndim] });
  }
  const rows = w.shape(ISTATE_INDEX)[0];
  if (firstId > rows) throw new WeError(`the initial state table has ${rows} rows; cannot add states from id ${firstId}`, where);
  const n = istates.length;
  w.resize(ISTATE_INDEX, [firstId + n]);
  w.resize(ISTATE_PCOORD, [firstId + n, shape.ndim]);
  w.writeRows(ISTATE_INDEX, ISTATE_DTYPE, firstId, n, istateColumns(istates));
  const pcoords = new Float64Array(n * shape.ndim);
  istates.forEach((s, i) => pcoords.set(s.pcoord, i * shape.ndim));
  w.writeRows(ISTATE_PCOORD, pcoordH5Dtype(shape.dtype), firstId, n, pcoordRows(pcoords, shape));
}

function istateColumns(istates: InitialState[]): Map<string, Column> {
  return new Map<string, Column>([
    ['iter_created', istates.map((s) => s.iterCreated)],
    ['iter_used', istates.map((s) => s.iterUsed)],
    ['basis_state_id', istates.map((s) => s.basisStateId)],
    ['istate_type', Uint8Array.from(istates, (s) => s.type)],
    ['istate_status', Uint8Array.from(istates, (s) => s.status)],
    ['basis_auxref', istates.map(() => '')],
  ]);
}

/** Sets /summary to exactly `rows` rows (one per iteration up to the current one); new rows are zero. */
export function resizeSummary(w: FileWriter, rows: number): void {
  if (w.exists(PATH.summary)) {
    w.resize(PATH.summary, [rows]);
    return;
  }
  w.put(PATH.summary, {
    data: summaryColumns(new Array<SummaryRow>(rows).fill({
      nParticles: 0, norm: 0, minBinProb: 0, maxBinProb: 0, minSegProb: 0, maxSegProb: 0, cputime: 0, walltime: 0, binhash: '',
    }), w.file.filename, 1),
    shape: [rows],
    dtype: SUMMARY_DTYPE,
    chunks: [SUMMARY_CHUNK_ROWS],
  });
}

function summaryColumns(rows: SummaryRow[], where: string, firstIteration: number): Map<string, Column> {
  return new Map<string, Column>([
    ['n_particles', rows.map((r) => r.nParticles)],
    ['norm', rows.map((r) => r.norm)],
    ['min_bin_prob', rows.map((r) => r.minBinProb)],
    ['max_bin_prob', rows.map((r) => r.maxBinProb)],
    ['min_seg_prob', rows.map((r) => r.minSegProb)],
    ['max_seg_prob', rows.map((r) => r.maxSegProb)],
    ['cputime', rows.map((r) => r.cputime)],
    ['walltime', rows.map((r) => r.walltime)],
    ['binhash', fixedStrings(rows.map((r) => r.binhash), where, (i) => `binhash of iteration ${firstIteration + i}`)],
  ]);
}

/** The summary rows of iterations `firstIteration`, `firstIteration` + 1, … (one hyperslab write). */
export function writeSummaryRows(w: FileWriter, firstIteration: number, rows: SummaryRow[]): void {
  w.writeRows(PATH.summary, SUMMARY_DTYPE, firstIteration - 1, rows.length, summaryColumns(rows, w.file.filename, firstIteration));
}

/**
 * What completing an iteration changes in its group: target_flux (first: it marks the group as begun by `we`,
 * which WESTPA never writes), seg_index, pcoord and auxdata.
 */
export function writeIterationResults(w: FileWriter, data: IterationGroupData, shape: PcoordShape): void {
  const path = iterationPath(data.iteration);
  const n = data.segIndex.weight.length;
  const s = data.segIndex;
  if (data.targetFlux) {
    w.put(`${path}/${ITER.targetFlux}`, {
      data: data.targetFlux,
      shape: [data.targetFlux.length],
      dtype: FLOAT64,
    });
  }
  w.put(`${path}/${ITER.segIndex}`, {
    data: new Map<string, Column>([
      ['weight', s.weight],
      ['parent_id', s.parentId],
      ['wtg_n_parents', s.wtgNParents],
      ['wtg_offset', s.wtgOffset],
      ['cputime', s.cputime],
      ['walltime', s.walltime],
      ['endpoint_type', s.endpointType],
      ['status', s.status],
    ]),
    shape: [n],
    dtype: SEG_INDEX_DTYPE,
  });
  w.put(`${path}/${ITER.pcoord}`, {
    data: data.pcoord,
    shape: [n, shape.len, shape.ndim],
    dtype: pcoordH5Dtype(shape.dtype),
  });
  for (const [name, aux] of Object.entries(data.auxdata ?? {})) {
    w.put(`${path}/${ITER.auxdata}/${name}`, {
      data: aux.data,
      shape: aux.shape,
      dtype: FLOAT64,
    });
  }
}

/** A whole iteration group, with its links to the state sets (as WESTPA's update_iter_group_links makes). */
export function writeIterationGroup(w: FileWriter, data: IterationGroupData, shape: PcoordShape): void {
  const path = iterationPath(data.iteration);
  w.group(path);
  w.setAttr(path, ATTR.nIter, data.iteration);
  if (data.binhash !== undefined) w.setAttr(path, ATTR.binhash, data.binhash);
  writeIterationResults(w, data, shape);
  w.put(`${path}/${ITER.wtgraph}`, {
    data: data.wtgraph,
    shape: [data.wtgraph.length],
    dtype: WTGRAPH_DTYPE,
  });
  w.put(`${path}/${ITER.binTargetCounts}`, {
    data: data.binTargetCounts,
    shape: [data.binTargetCounts.length],
    dtype: BIN_TARGET_COUNTS_DTYPE,
  });
  w.link(path, ITER.ibstates, PATH.ibstateSet);
  w.link(path, ITER.tstates, PATH.tstateSet);
  if (data.newWeights) writeNewWeights(w, `${path}/${ITER.newWeights}`, data.newWeights, shape);
}

/** An iteration's new_weights group, as WESTPA's save_new_weight_data lays it out. */
function writeNewWeights(w: FileWriter, path: string, nw: NewWeightsData, shape: PcoordShape): void {
  const k = nw.weight.length;
  w.put(`${path}/${NEW_WEIGHTS.index}`, {
    data: new Map<string, Column>([
      ['source_type', nw.sourceType],
      ['weight', nw.weight],
      ['prev_seg_id', nw.prevSegId],
      ['target_state_id', nw.targetStateId],
      ['initial_state_id', nw.initialStateId],
    ]),
    shape: [k],
    dtype: NW_INDEX_DTYPE,
  });
  for (const [name, points] of [
    [NEW_WEIGHTS.prevInitPcoord, nw.prevInitPcoord],
    [NEW_WEIGHTS.prevFinalPcoord, nw.prevFinalPcoord],
    [NEW_WEIGHTS.newInitPcoord, nw.newInitPcoord],
  ] as const) {
    w.put(`${path}/${name}`, { data: points, shape: [k, shape.ndim], dtype: pcoordH5Dtype(shape.dtype) });
  }
}
