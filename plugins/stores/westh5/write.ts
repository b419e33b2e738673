/** Writers for each part of west.h5. Every writer overwrites in place, so repeating a write is harmless. */
import { WeError } from '../../../core/errors.js';
import type { SummaryRow } from '../../../core/plugins.js';
import type { BasisState, InitialState, PcoordShape, TargetState } from '../../../core/types.js';
import { Reference } from 'h5wasm/node';
import type { File, Group } from './hdf5.js';
import { ensureGroup, getDataset, hasObject, putDataset, rowChunks, setAttr } from './hdf5.js';
import type { Column } from './codec.js';
import type { IterationGroupData } from './iteration-data.js';
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

const SEG_INDEX_ROW_BYTES = 8 * 6 + 2;
const SUMMARY_CHUNK_ROWS = 256;
const ISTATE_CHUNK_ROWS = 1024;

/** Fixed-length string column; WeError for a value that would not fit (h5wasm would cut it silently). */
function fixedStrings(values: string[], where: string, field: string): string[] {
  values.forEach((value, i) => {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > STRING_BYTES) {
      throw new WeError(`${field} ${i} ('${value.slice(0, 20)}…') is ${bytes} bytes; at most ${STRING_BYTES} fit in west.h5`, where);
    }
  });
  return values;
}

function pcoordRows(values: ArrayLike<number>, shape: PcoordShape): Float32Array | Float64Array {
  return shape.dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
}

export function writeRootAttrs(file: File, westVersion: string): void {
  setAttr(file, ATTR.formatVersion, FILE_FORMAT_VERSION);
  setAttr(file, ATTR.iterPrec, ITER_PREC);
  setAttr(file, ATTR.version, westVersion);
}

/** The iteration pointer; written last in every commit. */
export function setCurrentIteration(file: File, n: number): void {
  setAttr(file, ATTR.currentIteration, n);
}

function writeStateSetIndex(file: File, path: string, dtype: typeof IBSTATE_INDEX_DTYPE, countName: string, count: number, set: Group | null): void {
  const ref = set ? set.create_reference() : new Reference(new Uint8Array(8));
  putDataset(file, path, {
    data: new Map<string, Column>([
      ['iter_valid', [0]],
      [countName, [count]],
      ['group_ref', [ref]],
    ]),
    shape: [1],
    dtype,
    chunks: [16],
  });
}

/**
 * /ibstates/index and set 0 with its basis states (istates are written by writeIstates), and /tstates/index with
 * set 0 when there are target states. WESTPA validates both indexes from iteration 0 on, and writes the target
 * state index even when there are none (with a null reference), which its readers expect.
 */
export function writeStateSets(file: File, basisStates: BasisState[], bstatePcoords: Float64Array, targetStates: TargetState[], shape: PcoordShape): void {
  const where = file.filename;
  const ibset = ensureGroup(file, PATH.ibstateSet);
  putDataset(file, `${PATH.ibstateSet}/${STATE_SET.bstateIndex}`, {
    data: new Map<string, Column>([
      ['label', fixedStrings(basisStates.map((s) => s.label), where, 'basis state label')],
      ['probability', Float64Array.from(basisStates, (s) => s.probability)],
      ['auxref', fixedStrings(basisStates.map((s) => s.auxref), where, 'basis state auxref')],
    ]),
    shape: [basisStates.length],
    dtype: BSTATE_DTYPE,
    chunks: [Math.max(1, basisStates.length)],
  });
  putDataset(file, `${PATH.ibstateSet}/${STATE_SET.bstatePcoord}`, {
    data: pcoordRows(bstatePcoords, shape),
    shape: [basisStates.length, shape.ndim],
    dtype: pcoordH5Dtype(shape.dtype),
    chunks: rowChunks(basisStates.length, [shape.ndim], 8),
  });
  writeStateSetIndex(file, PATH.ibstatesIndex, IBSTATE_INDEX_DTYPE, 'n_bstates', basisStates.length, ibset);

  const tset = targetStates.length > 0 ? ensureGroup(file, PATH.tstateSet) : null;
  if (tset) {
    putDataset(file, `${PATH.tstateSet}/${STATE_SET.tstateIndex}`, {
      data: new Map<string, Column>([['label', fixedStrings(targetStates.map((s) => s.label), where, 'target state label')]]),
      shape: [targetStates.length],
      dtype: TSTATE_DTYPE,
      chunks: [targetStates.length],
    });
    putDataset(file, `${PATH.tstateSet}/${STATE_SET.tstatePcoord}`, {
      data: pcoordRows(targetStates.flatMap((s) => s.pcoord), shape),
      shape: [targetStates.length, shape.ndim],
      dtype: pcoordH5Dtype(shape.dtype),
      chunks: rowChunks(targetStates.length, [shape.ndim], 8),
    });
  }
  writeStateSetIndex(file, PATH.tstatesIndex, TSTATE_INDEX_DTYPE, 'n_states', targetStates.length, tset);
}

/** Rewrites the whole initial state table; an initial state's id is its row. */
export function writeIstates(file: File, istates: InitialState[], shape: PcoordShape): void {
  const where = file.filename;
  istates.forEach((s, i) => {
    if (s.id !== i) throw new WeError(`initial state at position ${i} has id ${s.id}; ids must be 0, 1, 2, … in order`, where);
    if (s.pcoord.length !== shape.ndim) {
      throw new WeError(`initial state ${i} has a pcoord of ${s.pcoord.length} values; expected ${shape.ndim} (pcoord ndim)`, where);
    }
  });
  const n = istates.length;
  putDataset(file, `${PATH.ibstateSet}/${STATE_SET.istateIndex}`, {
    data: new Map<string, Column>([
      ['iter_created', istates.map((s) => s.iterCreated)],
      ['iter_used', istates.map((s) => s.iterUsed)],
      ['basis_state_id', istates.map((s) => s.basisStateId)],
      ['istate_type', Uint8Array.from(istates, (s) => s.type)],
      ['istate_status', Uint8Array.from(istates, (s) => s.status)],
      ['basis_auxref', istates.map(() => '')],
    ]),
    shape: [n],
    dtype: ISTATE_DTYPE,
    chunks: [ISTATE_CHUNK_ROWS],
  });
  const pcoords = new Float64Array(n * shape.ndim);
  istates.forEach((s, i) => pcoords.set(s.pcoord, i * shape.ndim));
  putDataset(file, `${PATH.ibstateSet}/${STATE_SET.istatePcoord}`, {
    data: pcoordRows(pcoords, shape),
    shape: [n, shape.ndim],
    dtype: pcoordH5Dtype(shape.dtype),
    chunks: [ISTATE_CHUNK_ROWS, shape.ndim],
  });
}

/** Sets /summary to exactly `rows` rows (one per iteration up to the current one); new rows are zero. */
export function resizeSummary(file: File, rows: number): void {
  if (file.get(PATH.summary) === null) {
    putDataset(file, PATH.summary, {
      data: new Map<string, Column>([
        ['n_particles', new Float64Array(rows)],
        ...SUMMARY_DTYPE.slice(1, -1).map(([name]) => [name, new Float64Array(rows)] as [string, Column]),
        ['binhash', new Array<string>(rows).fill('')],
      ]),
      shape: [rows],
      dtype: SUMMARY_DTYPE,
      chunks: [SUMMARY_CHUNK_ROWS],
    });
    return;
  }
  const summary = getDataset(file, PATH.summary);
  if (summary.shape?.[0] !== rows) summary.resize([rows]);
}

export function writeSummaryRow(file: File, iteration: number, row: SummaryRow): void {
  const summary = getDataset(file, PATH.summary);
  const rows = summary.shape?.[0] ?? 0;
  if (iteration > rows) throw new WeError(`/summary has ${rows} rows; cannot write the row of iteration ${iteration}`, file.filename);
  summary.write_slice(
    [[iteration - 1, iteration]],
    new Map<string, unknown>([
      ['n_particles', new BigInt64Array([BigInt(row.nParticles)])],
      ['norm', new Float64Array([row.norm])],
      ['min_bin_prob', new Float64Array([row.minBinProb])],
      ['max_bin_prob', new Float64Array([row.maxBinProb])],
      ['min_seg_prob', new Float64Array([row.minSegProb])],
      ['max_seg_prob', new Float64Array([row.maxSegProb])],
      ['cputime', new Float64Array([row.cputime])],
      ['walltime', new Float64Array([row.walltime])],
      ['binhash', fixedStrings([row.binhash], file.filename, 'binhash')],
    ]),
  );
}

/** Hard link from an iteration group to a state set, as WESTPA's update_iter_group_links makes. */
function linkStateSet(file: File, group: Group, name: string, target: string): void {
  if (!hasObject(file, target) || group.get(name) !== null) return;
  if (group.create_hard_link(target, name) < 0) throw new WeError(`cannot link ${group.path}/${name} to ${target}`, file.filename);
}

export function writeIterationGroup(file: File, data: IterationGroupData, shape: PcoordShape): void {
  const path = iterationPath(data.iteration);
  const group = ensureGroup(file, path);
  const n = data.segIndex.weight.length;
  setAttr(group, ATTR.nIter, data.iteration);
  if (data.binhash !== undefined) setAttr(group, ATTR.binhash, data.binhash);

  const s = data.segIndex;
  putDataset(file, `${path}/${ITER.segIndex}`, {
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
    chunks: rowChunks(n, [], SEG_INDEX_ROW_BYTES),
  });
  putDataset(file, `${path}/${ITER.pcoord}`, {
    data: data.pcoord,
    shape: [n, shape.len, shape.ndim],
    dtype: pcoordH5Dtype(shape.dtype),
    chunks: rowChunks(n, [shape.len, shape.ndim], data.pcoord.BYTES_PER_ELEMENT),
  });
  putDataset(file, `${path}/${ITER.wtgraph}`, {
    data: data.wtgraph,
    shape: [data.wtgraph.length],
    dtype: WTGRAPH_DTYPE,
    chunks: rowChunks(data.wtgraph.length, [], 8),
  });
  putDataset(file, `${path}/${ITER.binTargetCounts}`, {
    data: data.binTargetCounts,
    shape: [data.binTargetCounts.length],
    dtype: BIN_TARGET_COUNTS_DTYPE,
    chunks: rowChunks(data.binTargetCounts.length, [], 8),
  });
  if (data.targetFlux) {
    putDataset(file, `${path}/${ITER.targetFlux}`, {
      data: data.targetFlux,
      shape: [data.targetFlux.length],
      dtype: FLOAT64,
      chunks: [Math.max(1, data.targetFlux.length)],
    });
  }
  for (const [name, aux] of Object.entries(data.auxdata ?? {})) {
    putDataset(file, `${path}/${ITER.auxdata}/${name}`, {
      data: aux.data,
      shape: aux.shape,
      dtype: FLOAT64,
      chunks: rowChunks(aux.shape[0], aux.shape.slice(1), 8),
    });
  }
  linkStateSet(file, group, ITER.ibstates, PATH.ibstateSet);
  linkStateSet(file, group, ITER.tstates, PATH.tstateSet);
}
