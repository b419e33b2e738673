/**
 * Recycling at target states (WESTPA semantics): a walker whose final point falls in the bin of a target
 * state ends there; its weight is counted as flux into that target and restarts from a basis state chosen
 * by probability.
 */
import type { BinMapper } from '../plugins.js';
import type { BasisState, TargetState, WalkerSet } from '../types.js';
import type { Random } from '../random.js';

export interface Recycling {
  /** For each walker, the target state index it ended in, or -1. */
  targetOf: Int32Array;
  /** For each recycled walker, the basis state it restarts from (else -1). */
  basisStateOf: Int32Array;
  /** Weight recycled into each target. */
  flux: Float64Array;
  count: number;
}

/** Bin of each target state's point; walkers assigned to one of these bins are in that target. */
export function targetBins(mapper: BinMapper, targets: TargetState[]): Int32Array {
  const ndim = mapper.ndim;
  const points = new Float64Array(targets.length * ndim);
  targets.forEach((t, i) => points.set(t.pcoord, i * ndim));
  const bins = mapper.assign({ n: targets.length, ndim, points, weights: new Float64Array(targets.length).fill(1) });
  return Int32Array.from(bins);
}

export function findRecycled(
  walkers: WalkerSet,
  bins: Uint32Array,
  tbins: Int32Array,
  basisStates: BasisState[],
  rng: Random,
): Recycling {
  const targetOf = new Int32Array(walkers.n).fill(-1);
  const basisStateOf = new Int32Array(walkers.n).fill(-1);
  const flux = new Float64Array(tbins.length);
  let count = 0;
  if (tbins.length === 0) return { targetOf, basisStateOf, flux, count };
  const probabilities = basisStates.map((b) => b.probability);
  for (let i = 0; i < walkers.n; i++) {
    const t = tbins.indexOf(bins[i]);
    if (t < 0) continue;
    targetOf[i] = t;
    flux[t] += walkers.weights[i];
    basisStateOf[i] = rng.choose(probabilities);
    count++;
  }
  return { targetOf, basisStateOf, flux, count };
}
