/**
 * The weighted-ensemble step between two iterations: bin the walkers, resample each bin to its target count,
 * and express the survivors as the next iteration's prepared segments (parents, weights, weight graph,
 * starting points, initial states for walkers restarted from basis states).
 */
import type { BinMapper, Resampler } from '../plugins.js';
import type { InitialState, PreparedIteration, WalkerSet } from '../types.js';
import { IstateStatus, IstateType } from '../types.js';
import type { Random } from '../random.js';
import { checkResampled } from '../resampling/weight-checks.js';

/** Marks an input walker that restarts from a basis state: its initial state is made only if it survives. */
export const FROM_BASIS_STATE = 0x7fffffff;

export interface StepInput {
  /** The iteration the output prepares. */
  nextIteration: number;
  walkers: WalkerSet;
  /** Parent id each input passes on (a segment id, -(istate + 1), or FROM_BASIS_STATE). */
  parentOf: Int32Array;
  /** Weight-graph id each input passes on. */
  wtgIdOf: Int32Array;
  /** For FROM_BASIS_STATE inputs: the basis state to restart from. */
  basisStateOf: Int32Array;
  /** nbstates × ndim. */
  basisStatePoints: Float64Array;
  firstNewIstateId: number;
  mapper: BinMapper;
  resampler: Resampler;
  targetCounts: Uint32Array;
  smallestAllowedWeight: number;
  largestAllowedWeight: number;
  rng: Random;
}

export interface StepOutput {
  next: PreparedIteration;
  /** Endpoint of each input (continues or merged), from the resampler. */
  fate: Uint8Array;
  /** Per input: the initial state made for it (FROM_BASIS_STATE inputs that survived), else -1. */
  istateOfInput: Int32Array;
  /** Bins holding the next iteration's walkers. */
  occupiedBins: number;
  minBinProb: number;
  maxBinProb: number;
}

export function weStep(input: StepInput): StepOutput {
  const { walkers, mapper } = input;
  const ndim = walkers.ndim;
  const bins = mapper.assign(walkers);
  const { minBinProb, maxBinProb } = binProbabilityRange(bins, walkers.weights, mapper.nbins);
  const resampleInput = {
    walkers,
    bins,
    nbins: mapper.nbins,
    targetCounts: input.targetCounts,
    smallestAllowedWeight: input.smallestAllowedWeight,
    largestAllowedWeight: input.largestAllowedWeight,
  };
  const out = input.resampler.resample(resampleInput, input.rng);
  checkResampled(resampleInput, out, input.nextIteration - 1);

  const parentId = new Int32Array(out.n);
  const initialPoints = new Float64Array(out.n * ndim);
  const newIstates: InitialState[] = [];
  const istateOfInput = new Int32Array(walkers.n).fill(-1);
  for (let j = 0; j < out.n; j++) {
    const s = out.source[j];
    let parent = input.parentOf[s];
    if (parent === FROM_BASIS_STATE) {
      let id = istateOfInput[s];
      if (id < 0) {
        const b = input.basisStateOf[s];
        id = input.firstNewIstateId + newIstates.length;
        // As WESTPA: created by the iteration that recycled, used by the next.
        newIstates.push({
          id,
          iterCreated: input.nextIteration - 1,
          iterUsed: input.nextIteration,
          basisStateId: b,
          type: IstateType.basis,
          status: IstateStatus.prepared,
          pcoord: input.basisStatePoints.slice(b * ndim, (b + 1) * ndim),
        });
        istateOfInput[s] = id;
      }
      parent = -(id + 1);
    }
    parentId[j] = parent;
    initialPoints.set(walkers.points.subarray(s * ndim, (s + 1) * ndim), j * ndim);
  }
  const occupied = new Uint8Array(mapper.nbins);
  let occupiedBins = 0;
  for (let j = 0; j < out.n; j++) {
    const b = bins[out.source[j]];
    if (!occupied[b]) occupiedBins += occupied[b] = 1;
  }
  const wtgParents = new Int32Array(out.wtgParents.length);
  for (let k = 0; k < wtgParents.length; k++) wtgParents[k] = input.wtgIdOf[out.wtgParents[k]];

  return {
    next: {
      iteration: input.nextIteration,
      n: out.n,
      weight: out.weight,
      parentId,
      wtgOffset: out.wtgOffset,
      wtgParents,
      initialPoints,
      binTargetCounts: input.targetCounts,
      newIstates,
    },
    fate: out.fate,
    istateOfInput,
    occupiedBins,
    minBinProb,
    maxBinProb,
  };
}

function binProbabilityRange(bins: Uint32Array, weights: Float64Array, nbins: number): { minBinProb: number; maxBinProb: number } {
  const binWeight = new Float64Array(nbins);
  for (let i = 0; i < bins.length; i++) binWeight[bins[i]] += weights[i];
  let minBinProb = Infinity;
  let maxBinProb = 0;
  for (let b = 0; b < nbins; b++) {
    const w = binWeight[b];
    if (w <= 0) continue;
    if (w < minBinProb) minBinProb = w;
    if (w > maxBinProb) maxBinProb = w;
  }
  return { minBinProb: Number.isFinite(minBinProb) ? minBinProb : 0, maxBinProb };
}
