/**
 * A synthetic ODLD-shaped run for the store benchmarks: walker i continues walker i, except the first `recycled`
 * of each iteration, which end in the target and restart from new initial states.
 */
import type { RunDefinition } from '../../core/plugins.js';
import { Endpoint, IstateStatus, IstateType } from '../../core/types.js';
import type { CompletedIteration, InitialState, PcoordShape, PreparedIteration } from '../../core/types.js';

export const SHAPE: PcoordShape = { len: 21, ndim: 1, dtype: 'float32' };
export const NBINS = 102;
export const BINHASH = 'f'.repeat(64);

export function runDefinition(): RunDefinition {
  return {
    pcoord: SHAPE,
    basisStates: [{ label: 'start', probability: 1, auxref: '0', pcoord: [8] }],
    targetStates: [{ label: 'well', pcoord: [1] }],
    binhash: BINHASH,
    nbins: NBINS,
  };
}

/** As WESTPA: used by `iteration`, created by the iteration before (by init for iteration 1). */
function istate(id: number, iteration: number): InitialState {
  return {
    id,
    iterCreated: Math.max(1, iteration - 1),
    iterUsed: iteration,
    basisStateId: 0,
    type: IstateType.basis,
    status: IstateStatus.prepared,
    pcoord: Float64Array.of(8),
  };
}

/** Walker i continues walker i, except the first `recycled`, which start from new initial states. */
export function preparedIteration(iteration: number, n: number, firstIstateId: number, recycled: number): PreparedIteration {
  const newIstates = Array.from({ length: recycled }, (_, k) => istate(firstIstateId + k, iteration));
  const parentId = Int32Array.from({ length: n }, (_, i) => (i < recycled ? -(firstIstateId + i + 1) : i));
  return {
    iteration,
    n,
    weight: new Float64Array(n).fill(1 / n),
    parentId,
    wtgOffset: Uint32Array.from({ length: n + 1 }, (_, i) => i),
    wtgParents: Int32Array.from(parentId),
    initialPoints: Float64Array.from({ length: n }, (_, i) => (i < recycled ? 8 : Math.fround(8 + i / n))),
    binTargetCounts: new Uint32Array(NBINS).fill(10),
    newIstates,
  };
}

/** Segments 0 … `recycled` - 1 end in the target and restart from initial states `firstIstateId`, … */
export function completedIteration(p: PreparedIteration, firstIstateId: number, recycled: number): CompletedIteration {
  const target = new Int32Array(p.n).fill(-1);
  const basisState = new Int32Array(p.n).fill(-1);
  const istate = new Int32Array(p.n).fill(-1);
  for (let i = 0; i < recycled; i++) {
    target[i] = 0;
    basisState[i] = 0;
    istate[i] = firstIstateId + i;
  }
  const pcoord = new Float32Array(p.n * SHAPE.len);
  for (let i = 0; i < p.n; i++) for (let t = 0; t < SHAPE.len; t++) pcoord[i * SHAPE.len + t] = p.initialPoints[i] - t * 1e-3;
  return {
    iteration: p.iteration,
    pcoord,
    cputime: new Float64Array(p.n).fill(1e-4),
    walltime: new Float64Array(p.n).fill(1e-4),
    endpointType: Uint8Array.from({ length: p.n }, (_, i) => (i < recycled ? Endpoint.recycled : Endpoint.continues)),
    targetFlux: Float64Array.of(recycled / p.n),
    recycling: { target, basisState, istate },
    minBinProb: 1 / p.n,
    maxBinProb: 0.5,
    walltimeTotal: 1,
    cputimeTotal: p.n * 1e-4,
  };
}
