/**
 * WESTPA's bin-based split/merge (we_driver.py, one subgroup per bin), per bin with ideal weight
 * W_bin / target:
 *   target 1:  merge every walker of the bin into one (WESTPA's "subgroups >= target" branch);
 *   target >1: split each walker heavier than splitThreshold·ideal into ceil(w / ideal) equal children
 *              (_split_by_weight), then repeatedly merge the lightest walkers whose cumulative weight stays
 *              <= mergeCutoff·ideal (_merge_by_weight);
 *   then the absolute thresholds: split walkers above largestAllowedWeight into ceil(w / largest), merge all
 *   walkers below smallestAllowedWeight (_split_by_threshold, _merge_by_threshold);
 *   then adjust counts: split the heaviest in two while below target, merge the two lightest while above.
 * Differences from WESTPA, all confined to cases where a threshold binds: WESTPA applies the thresholds after
 * adjusting counts and undoes its own adjustments (a split whose halves fall below smallest is merged back, a
 * merge above largest is split again), leaving the bin off target; here thresholds come first and no split
 * or merge that would break one is made, so a bin misses its target only when no allowed move could reach it.
 * A bin with target count 0 that holds walkers is an error, as WESTPA's ConsistencyError.
 * fate[i] is `continues` whenever input i is the source of some output walker. (In WESTPA the last merge a
 * child of input i took part in decides, so i can be marked merged while other children of it go on.)
 * Output: bins in ascending order; within a bin, surviving inputs by index, then new walkers as created.
 */
import { unknownKeysMessage } from '../config/unknown-keys.js';
import { WeError } from '../errors.js';
import type { ResampleInput, ResampleOutput, Resampler } from '../plugins.js';
import type { Random } from '../random.js';
import { BinWorkspace } from './bin-workspace.js';
import { ResampleOutputBuilder } from './output-builder.js';
import { aboveLargest, allowedChildren, canMerge, canSplitInTwo, checkThresholds } from './thresholds.js';
import { compensatedSum } from './weight-checks.js';

export interface BinResamplerOptions {
  /** WESTPA's weight_split_threshold: split walkers heavier than this many ideal weights. */
  splitThreshold: number;
  /** WESTPA's weight_merge_cutoff: merge the lightest walkers while their summed weight is within this many ideal weights. */
  mergeCutoff: number;
}

/** WESTPA's defaults. */
export const DEFAULT_BIN_RESAMPLER_OPTIONS: BinResamplerOptions = { splitThreshold: 2, mergeCutoff: 1 };

/** Beyond this many children from one walker the run would exhaust memory; say why instead. */
const MAX_CHILDREN = 1 << 24;

export class BinResampler implements Resampler {
  private readonly options: BinResamplerOptions;
  private readonly ws = new BinWorkspace();

  constructor(options: Record<string, unknown> = {}) {
    this.options = parseOptions(options);
  }

  resample(input: ResampleInput, rng: Random): ResampleOutput {
    checkInput(input);
    const { walkers, bins, nbins, targetCounts } = input;
    const { n, weights } = walkers;

    // Counting sort of walkers by bin, stable in walker index.
    const start = new Uint32Array(nbins + 1);
    for (let i = 0; i < n; i++) {
      const b = bins[i];
      if (!(b < nbins)) throw new WeError(`walker ${i} is in bin ${b}, expected a bin in [0, ${nbins})`, 'resampling');
      const w = weights[i];
      if (!(w > 0 && w < Infinity)) throw new WeError(`walker ${i} has weight ${w}, expected a finite weight > 0`, 'resampling');
      start[b + 1]++;
    }
    let expectedOut = 0;
    for (let b = 0; b < nbins; b++) {
      const count = start[b + 1];
      if (count > 0) {
        if (targetCounts[b] === 0) {
          throw new WeError(`bin ${b} has target count 0 but holds ${count} walkers (WESTPA refuses this too)`, 'resampling');
        }
        expectedOut += targetCounts[b];
      }
      start[b + 1] += start[b];
    }
    // Weights are scattered along with indices so that each bin then reads its own contiguously.
    const byBin = new Int32Array(n);
    const weightByBin = new Float64Array(n);
    const next = start.slice(0, nbins);
    for (let i = 0; i < n; i++) {
      const at = next[bins[i]]++;
      byBin[at] = i;
      weightByBin[at] = weights[i];
    }

    const out = new ResampleOutputBuilder(expectedOut, n + expectedOut);
    for (let b = 0; b < nbins; b++) {
      if (start[b + 1] === start[b]) continue;
      this.resampleBin(byBin, weightByBin, start[b], start[b + 1], input, targetCounts[b], rng);
      this.ws.emit(out);
    }
    return out.finish(n);
  }

  /** Resamples the walkers byBin[from, to) of one bin, leaving the result live in the workspace. */
  private resampleBin(
    byBin: Int32Array,
    weightByBin: Float64Array,
    from: number,
    to: number,
    input: ResampleInput,
    target: number,
    rng: Random,
  ): void {
    const ws = this.ws;
    const { smallestAllowedWeight: smallest, largestAllowedWeight: largest } = input;
    ws.loadInputs(byBin, weightByBin, from, to);
    const n = to - from;
    if (target === 1) {
      for (let s = 0; s < n; s++) ws.place(s);
      ws.sort();
      if (n > 1) ws.mergeLightest(n, rng);
    } else {
      const ideal = compensatedSum(ws.weight, 0, n) / target;
      this.splitByWeight(n, ideal, smallest);
      ws.sort();
      this.mergeByWeight(ideal * this.options.mergeCutoff, rng);
    }
    this.splitByThreshold(largest, smallest);
    this.mergeByThreshold(smallest, rng);
    this.adjustCount(target, smallest, largest, rng);
  }

  /** Places the n input slots live, each heavier than splitThreshold·ideal replaced by its children. */
  private splitByWeight(n: number, ideal: number, smallest: number): void {
    const ws = this.ws;
    const limit = this.options.splitThreshold * ideal;
    for (let s = 0; s < n; s++) {
      const w = ws.weight[s];
      const m = w > limit ? allowedChildren(w, Math.ceil(w / ideal), smallest) : 1;
      if (m === 1) {
        ws.place(s);
      } else {
        const first = ws.split(s, m);
        for (let c = 0; c < m; c++) ws.place(first + c);
      }
    }
  }

  private mergeByWeight(limit: number, rng: Random): void {
    const ws = this.ws;
    for (;;) {
      let cumulative = 0;
      let k = 0;
      while (k < ws.count && (cumulative += ws.weightAt(k)) <= limit) k++;
      if (k < 2) return;
      ws.mergeLightest(k, rng);
    }
  }

  private splitByThreshold(largest: number, smallest: number): void {
    const ws = this.ws;
    let split = false;
    for (let p = ws.tail - 1; p >= ws.head && aboveLargest(ws.weight[ws.order[p]], largest); p--) {
      const w = ws.weight[ws.order[p]];
      const m = allowedChildren(w, Math.ceil(w / largest), smallest);
      if (m > MAX_CHILDREN) {
        throw new WeError(
          `walker ${ws.source[ws.order[p]]} of weight ${w} would need ${m} children to stay within largestAllowedWeight ${largest}`,
          'resampling.largestAllowedWeight',
        );
      }
      if (m === 1) continue;
      ws.replaceWithChildren(p, m);
      split = true;
    }
    if (split) ws.sort();
  }

  private mergeByThreshold(smallest: number, rng: Random): void {
    const ws = this.ws;
    let k = 0;
    while (k < ws.count && ws.weightAt(k) < smallest) k++;
    if (k > 1) ws.mergeLightest(k, rng);
  }

  private adjustCount(target: number, smallest: number, largest: number, rng: Random): void {
    const ws = this.ws;
    while (ws.count < target) {
      const heaviest = ws.order[ws.tail - 1];
      if (!canSplitInTwo(ws.weight[heaviest], smallest)) return;
      ws.tail--;
      const first = ws.split(heaviest, 2);
      ws.insert(first);
      ws.insert(first + 1);
    }
    while (ws.count > target) {
      if (!canMerge(ws.weightAt(0) + ws.weightAt(1), largest)) return;
      ws.mergeLightest(2, rng);
    }
  }
}

function checkInput(input: ResampleInput): void {
  const { walkers, bins, nbins, targetCounts } = input;
  const sizes: [string, number, number][] = [
    ['walkers.weights', walkers.weights.length, walkers.n],
    ['bins', bins.length, walkers.n],
    ['targetCounts', targetCounts.length, nbins],
  ];
  for (const [name, found, expected] of sizes) {
    if (found !== expected) throw new WeError(`${name} has ${found} entries, expected ${expected}`, 'resampling');
  }
  checkThresholds(input.smallestAllowedWeight, input.largestAllowedWeight);
}

function parseOptions(raw: Record<string, unknown>): BinResamplerOptions {
  const known = Object.keys(DEFAULT_BIN_RESAMPLER_OPTIONS);
  const unknown = Object.keys(raw).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new WeError(unknownKeysMessage(unknown, known), 'resampling options');
  const options = { ...DEFAULT_BIN_RESAMPLER_OPTIONS };
  for (const key of known as (keyof BinResamplerOptions)[]) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0 && value < Infinity)) {
      throw new WeError(`${key} is ${JSON.stringify(value)}, expected a finite number > 0`, `resampling options.${key}`);
    }
    options[key] = value;
  }
  return options;
}
