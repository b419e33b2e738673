/**
 * Invariants every resampler output must meet before it becomes the next iteration: a bug here would silently
 * bias every rate computed from the run, so the driver checks each iteration rather than trusting the resampler.
 */
import { WeError } from '../errors.js';
import type { ResampleInput, ResampleOutput } from '../plugins.js';
import { Endpoint } from '../types.js';
import { canMerge, canSplitInTwo } from './thresholds.js';

/** Relative tolerance on total weight (absolute for totals up to 1). */
const TOTAL_WEIGHT_TOLERANCE = 1e-12;

/** Neumaier's compensated sum of values[start, end). */
export function compensatedSum(values: Float64Array, start = 0, end = values.length): number {
  let sum = 0;
  let compensation = 0;
  for (let i = start; i < end; i++) {
    const v = values[i];
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/** Total (compensated), smallest and largest of a set of walker weights; 0s for none. */
export function weightStats(weights: Float64Array): { total: number; min: number; max: number } {
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] < min) min = weights[i];
    if (weights[i] > max) max = weights[i];
  }
  return { total: compensatedSum(weights), min: weights.length ? min : 0, max };
}

/**
 * Throws a WeError naming `iteration` and the offending walker or bin unless `output` is a valid resampling
 * of `input`: consistent shapes and lineage, every weight finite and > 0, total weight conserved, fates that
 * agree with the sources, and every occupied bin at its target count unless the weight thresholds forbade the
 * split or merge that would have reached it.
 */
export function checkResampled(input: ResampleInput, output: ResampleOutput, iteration: number): void {
  const fail = (message: string): never => {
    throw new WeError(`iteration ${iteration}: ${message}`, 'resampling');
  };
  checkShapes(input, output, fail);
  checkWalkers(input, output, fail);
  const before = compensatedSum(input.walkers.weights, 0, input.walkers.n);
  const after = compensatedSum(output.weight, 0, output.n);
  if (!(Math.abs(after - before) <= TOTAL_WEIGHT_TOLERANCE * Math.max(1, Math.abs(before)))) {
    fail(`total weight ${after} after resampling differs from ${before} before by ${after - before} (tolerance ${TOTAL_WEIGHT_TOLERANCE})`);
  }
  checkBinCounts(input, output, fail);
}

type Fail = (message: string) => never;

function checkShapes(input: ResampleInput, output: ResampleOutput, fail: Fail): void {
  const { n } = output;
  const expect = (name: string, found: number, expected: number) => {
    if (found !== expected) fail(`resampler output ${name} has ${found} entries, expected ${expected}`);
  };
  expect('source', output.source.length, n);
  expect('weight', output.weight.length, n);
  expect('wtgOffset', output.wtgOffset.length, n + 1);
  expect('fate', output.fate.length, input.walkers.n);
  if (output.wtgOffset[0] !== 0) fail(`resampler output wtgOffset[0] is ${output.wtgOffset[0]}, expected 0`);
  expect('wtgParents', output.wtgParents.length, output.wtgOffset[n]);
  for (let j = 0; j < n; j++) {
    if (output.wtgOffset[j + 1] <= output.wtgOffset[j]) {
      fail(`output walker ${j} has no weight-graph parents (wtgOffset ${output.wtgOffset[j]} to ${output.wtgOffset[j + 1]})`);
    }
  }
}

/** Per-walker checks: weights, sources, weight-graph parents, and fates of the inputs. */
function checkWalkers(input: ResampleInput, output: ResampleOutput, fail: Fail): void {
  const nIn = input.walkers.n;
  const isSource = new Uint8Array(nIn);
  const isParent = new Uint8Array(nIn);
  for (let j = 0; j < output.n; j++) {
    const s = output.source[j];
    const w = output.weight[j];
    if (!(s >= 0 && s < nIn)) fail(`output walker ${j} has source ${s}, expected an input index in [0, ${nIn})`);
    if (!(w > 0 && w < Infinity)) fail(`output walker ${j} (from input ${s}) has weight ${w}, expected a finite weight > 0`);
    isSource[s] = 1;
    let sourceIsParent = false;
    for (let k = output.wtgOffset[j]; k < output.wtgOffset[j + 1]; k++) {
      const p = output.wtgParents[k];
      if (!(p >= 0 && p < nIn)) fail(`output walker ${j} has weight-graph parent ${p}, expected an input index in [0, ${nIn})`);
      isParent[p] = 1;
      if (p === s) sourceIsParent = true;
    }
    if (!sourceIsParent) fail(`output walker ${j} continues input ${s}, which is missing from its weight-graph parents`);
  }
  for (let i = 0; i < nIn; i++) {
    if (!isParent[i]) fail(`input walker ${i} (weight ${input.walkers.weights[i]}) passes its weight to no output walker`);
    const expected = isSource[i] ? Endpoint.continues : Endpoint.merged;
    if (output.fate[i] !== expected) {
      fail(`input walker ${i} has fate ${output.fate[i]}, expected ${expected} (${isSource[i] ? 'continues' : 'merged'})`);
    }
  }
}

/** Each occupied bin must hold its target count unless a threshold forbade the fixing split or merge. */
function checkBinCounts(input: ResampleInput, output: ResampleOutput, fail: Fail): void {
  const { nbins, bins, targetCounts } = input;
  const count = new Uint32Array(nbins);
  // Heaviest and two lightest output walkers of each bin (output indices, -1 = none).
  const heaviest = new Int32Array(nbins).fill(-1);
  const lightest = new Int32Array(nbins).fill(-1);
  const secondLightest = new Int32Array(nbins).fill(-1);
  const w = output.weight;
  for (let j = 0; j < output.n; j++) {
    const b = bins[output.source[j]];
    if (!(b < nbins)) fail(`input walker ${output.source[j]} is in bin ${b}, expected a bin in [0, ${nbins})`);
    count[b]++;
    if (heaviest[b] < 0 || w[j] > w[heaviest[b]]) heaviest[b] = j;
    if (lightest[b] < 0 || w[j] < w[lightest[b]]) {
      secondLightest[b] = lightest[b];
      lightest[b] = j;
    } else if (secondLightest[b] < 0 || w[j] < w[secondLightest[b]]) {
      secondLightest[b] = j;
    }
  }
  const { smallestAllowedWeight: smallest, largestAllowedWeight: largest } = input;
  for (let b = 0; b < nbins; b++) {
    const c = count[b];
    const t = targetCounts[b];
    if (c === 0 || c === t) continue;
    const found = `bin ${b} holds ${c} walkers after resampling, expected its target count ${t}`;
    if (t === 0) fail(`${found}: a bin with target count 0 must be empty`);
    if (c < t) {
      const h = heaviest[b];
      if (canSplitInTwo(w[h], smallest)) {
        fail(`${found}: its heaviest walker (output ${h}, weight ${w[h]}) could still be split in two without going below smallestAllowedWeight ${smallest}`);
      }
    } else {
      const [a, z] = [lightest[b], secondLightest[b]];
      if (canMerge(w[a] + w[z], largest)) {
        fail(`${found}: its two lightest walkers (outputs ${a} and ${z}, weights ${w[a]} and ${w[z]}) could still be merged without exceeding largestAllowedWeight ${largest}`);
      }
    }
  }
}
