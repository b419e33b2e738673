/**
 * An iteration group's contents in the file's own terms (seg_index columns, flat pcoord, weight graph), built
 * from the engine's prepared/completed iterations or read back from a file, so that one writer serves init,
 * commit and truncation alike.
 */
import { WeError } from '../../../core/errors.js';
import type { IterationRecord, SummaryRow } from '../../../core/plugins.js';
import { Endpoint, SegStatus } from '../../../core/types.js';
import type { PcoordArray, PcoordShape, PreparedIteration } from '../../../core/types.js';
import { NW_SOURCE_RECYCLED } from './layout.js';

export interface SegIndexColumns {
  weight: Float64Array;
  parentId: Int32Array;
  wtgNParents: Uint32Array;
  wtgOffset: Uint32Array;
  cputime: Float64Array;
  walltime: Float64Array;
  endpointType: Uint8Array;
  status: Uint8Array;
}

export type Auxdata = Record<string, { data: Float64Array; shape: number[] }>;

/**
 * WESTPA's new_weights of an iteration: one row per walker recycled at the end of the iteration before, with its
 * first and last pcoord points and the point it restarts from (k × ndim each, in the run's pcoord dtype).
 */
export interface NewWeightsData {
  sourceType: Uint8Array;
  weight: Float64Array;
  prevSegId: Int32Array;
  targetStateId: Int32Array;
  initialStateId: Int32Array;
  prevInitPcoord: PcoordArray;
  prevFinalPcoord: PcoordArray;
  newInitPcoord: PcoordArray;
}

export interface IterationGroupData {
  iteration: number;
  /** The group's binhash attribute; undefined leaves the attribute as it is. */
  binhash?: string;
  segIndex: SegIndexColumns;
  /** n × len × ndim in the run's pcoord dtype. */
  pcoord: PcoordArray;
  wtgraph: Int32Array;
  binTargetCounts: Uint32Array;
  targetFlux?: Float64Array;
  auxdata?: Auxdata;
  newWeights?: NewWeightsData;
}

function expectLength(where: string, label: string, field: string, found: number, expected: number, meaning: string): void {
  if (found !== expected) {
    throw new WeError(`${label}: ${field} has ${found} values; expected ${expected} (${meaning})`, where);
  }
}

export function newPcoordArray(shape: PcoordShape, n: number): PcoordArray {
  const size = n * shape.len * shape.ndim;
  return shape.dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

/** The segments of a prepared iteration, status prepared, without pcoords. */
function preparedSegments(p: PreparedIteration, ndim: number, where: string): Omit<IterationGroupData, 'pcoord'> {
  const label = `prepared iteration ${p.iteration}`;
  const { n } = p;
  expectLength(where, label, 'weight', p.weight.length, n, 'n');
  expectLength(where, label, 'parentId', p.parentId.length, n, 'n');
  expectLength(where, label, 'wtgOffset', p.wtgOffset.length, n + 1, 'n + 1');
  expectLength(where, label, 'wtgParents', p.wtgParents.length, p.wtgOffset[n] ?? 0, 'wtgOffset[n]');
  expectLength(where, label, 'initialPoints', p.initialPoints.length, n * ndim, 'n × pcoord ndim');
  const foreign = p.newIstates.find((s) => s.iterUsed !== p.iteration);
  if (foreign) {
    throw new WeError(`${label}: new initial state ${foreign.id} has iterUsed ${foreign.iterUsed}; expected ${p.iteration}`, where);
  }
  const wtgNParents = new Uint32Array(n);
  for (let i = 0; i < n; i++) wtgNParents[i] = p.wtgOffset[i + 1] - p.wtgOffset[i];
  return {
    iteration: p.iteration,
    segIndex: {
      weight: p.weight,
      parentId: p.parentId,
      wtgNParents,
      wtgOffset: p.wtgOffset.subarray(0, n),
      cputime: new Float64Array(n),
      walltime: new Float64Array(n),
      endpointType: new Uint8Array(n).fill(Endpoint.unset),
      status: new Uint8Array(n).fill(SegStatus.prepared),
    },
    wtgraph: p.wtgParents,
    binTargetCounts: p.binTargetCounts,
  };
}

/** A prepared iteration as WESTPA writes one: status prepared, pcoord row 0 set and the other rows zero. */
export function preparedGroupData(p: PreparedIteration, shape: PcoordShape, binhash: string, where: string): IterationGroupData {
  const segments = preparedSegments(p, shape.ndim, where);
  const pcoord = newPcoordArray(shape, p.n);
  const { len, ndim } = shape;
  for (let i = 0; i < p.n; i++) for (let d = 0; d < ndim; d++) pcoord[i * len * ndim + d] = p.initialPoints[i * ndim + d];
  return { ...segments, binhash, pcoord };
}

/** Iteration N as completed: the prepared segments plus results; its binhash attribute is left as prepared. */
export function completedGroupData(record: IterationRecord, shape: PcoordShape, where: string): IterationGroupData {
  const { prepared, completed } = record;
  const label = `completed iteration ${completed.iteration}`;
  if (prepared.iteration !== completed.iteration) {
    throw new WeError(`${label}: record.prepared is iteration ${prepared.iteration}`, where);
  }
  const { n } = prepared;
  expectLength(where, label, 'pcoord', completed.pcoord.length, n * shape.len * shape.ndim, 'n × pcoord len × ndim');
  expectLength(where, label, 'cputime', completed.cputime.length, n, 'n');
  expectLength(where, label, 'walltime', completed.walltime.length, n, 'n');
  expectLength(where, label, 'endpointType', completed.endpointType.length, n, 'n');
  for (const [name, aux] of Object.entries(completed.auxdata ?? {})) {
    const size = aux.shape.reduce((a, b) => a * b, 1);
    expectLength(where, label, `auxdata.${name}`, aux.data.length, size, `shape [${aux.shape}]`);
    if (aux.shape[0] !== n) throw new WeError(`${label}: auxdata.${name} has ${aux.shape[0]} rows; expected ${n} (n)`, where);
  }
  const segments = preparedSegments(prepared, shape.ndim, where);
  const sameDtype = (shape.dtype === 'float32') === completed.pcoord instanceof Float32Array;
  const pcoord = sameDtype ? completed.pcoord : newPcoordArray(shape, n);
  if (!sameDtype) pcoord.set(completed.pcoord);
  return {
    ...segments,
    segIndex: {
      ...segments.segIndex,
      cputime: completed.cputime,
      walltime: completed.walltime,
      endpointType: completed.endpointType,
      status: new Uint8Array(n).fill(SegStatus.complete),
    },
    pcoord,
    targetFlux: completed.targetFlux,
    auxdata: completed.auxdata,
  };
}

/** k points of `shape.ndim` values each, in the run's pcoord dtype. */
export function newPointArray(shape: PcoordShape, k: number): PcoordArray {
  return newPcoordArray({ ...shape, len: 1 }, k);
}

/**
 * The new_weights that iteration N's recycling gives iteration N + 1 (undefined when N recycled no walker).
 * A recycled walker restarts from the initial state made for it, or from its basis state's point
 * (`basisStatePoint`) when it was merged away before it needed one.
 */
export function recycledWeights(
  record: IterationRecord,
  shape: PcoordShape,
  basisStatePoint: (id: number) => ArrayLike<number> | undefined,
  where: string,
): NewWeightsData | undefined {
  const { prepared, completed, next } = record;
  const label = `completed iteration ${completed.iteration}`;
  const { target, basisState, istate } = completed.recycling;
  for (const [field, values] of [['target', target], ['basisState', basisState], ['istate', istate]] as const) {
    expectLength(where, label, `recycling.${field}`, values.length, prepared.n, 'n');
  }
  const recycled: number[] = [];
  target.forEach((t, i) => t >= 0 && recycled.push(i));
  if (recycled.length === 0) return undefined;

  const { len, ndim } = shape;
  const k = recycled.length;
  const istates = new Map(next.newIstates.map((s) => [s.id, s]));
  const nw: NewWeightsData = {
    sourceType: new Uint8Array(k).fill(NW_SOURCE_RECYCLED),
    weight: new Float64Array(k),
    prevSegId: Int32Array.from(recycled),
    targetStateId: new Int32Array(k),
    initialStateId: new Int32Array(k),
    prevInitPcoord: newPointArray(shape, k),
    prevFinalPcoord: newPointArray(shape, k),
    newInitPcoord: newPointArray(shape, k),
  };
  recycled.forEach((i, row) => {
    const id = istate[i];
    let restart: ArrayLike<number> | undefined;
    if (id >= 0) {
      restart = istates.get(id)?.pcoord;
      if (!restart) {
        throw new WeError(`${label}: segment ${i} restarts from initial state ${id}, which is not among iteration ${next.iteration}'s new initial states`, where);
      }
    } else {
      restart = basisStatePoint(basisState[i]);
      if (!restart) throw new WeError(`${label}: segment ${i} restarts from basis state ${basisState[i]}, which the file does not hold`, where);
    }
    nw.weight[row] = prepared.weight[i];
    nw.targetStateId[row] = target[i];
    nw.initialStateId[row] = id;
    for (let d = 0; d < ndim; d++) {
      nw.prevInitPcoord[row * ndim + d] = completed.pcoord[i * len * ndim + d];
      nw.prevFinalPcoord[row * ndim + d] = completed.pcoord[((i + 1) * len - 1) * ndim + d];
      nw.newInitPcoord[row * ndim + d] = restart[d];
    }
  });
  return nw;
}

function weightStats(weight: Float64Array): { norm: number; minSegProb: number; maxSegProb: number } {
  let norm = 0;
  let minSegProb = Infinity;
  let maxSegProb = 0;
  for (let i = 0; i < weight.length; i++) {
    const w = weight[i];
    norm += w;
    if (w > 0 && w < minSegProb) minSegProb = w;
    if (w > maxSegProb) maxSegProb = w;
  }
  return { norm, minSegProb: Number.isFinite(minSegProb) ? minSegProb : 0, maxSegProb };
}

/** The summary row WESTPA writes when it prepares an iteration: count and norm, the rest zero. */
export function preparedSummary(weight: Float64Array, binhash: string): SummaryRow {
  return {
    nParticles: weight.length,
    norm: weightStats(weight).norm,
    minBinProb: 0,
    maxBinProb: 0,
    minSegProb: 0,
    maxSegProb: 0,
    cputime: 0,
    walltime: 0,
    binhash,
  };
}

/** The summary row of a completed iteration (segment statistics over the weights it was propagated with). */
export function completedSummary(record: IterationRecord, binhash: string): SummaryRow {
  const { prepared, completed } = record;
  return {
    nParticles: prepared.n,
    ...weightStats(prepared.weight),
    minBinProb: completed.minBinProb,
    maxBinProb: completed.maxBinProb,
    cputime: completed.cputimeTotal,
    walltime: completed.walltimeTotal,
    binhash,
  };
}
