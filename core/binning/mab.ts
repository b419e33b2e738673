/**
 * Minimal Adaptive Binning, following WESTPA 2's MABBinMapper (westpa/core/binning/mab.py), so that a
 * WESTPA user's MAB settings and per-bin target counts mean the same here. Every assign() call:
 *
 * - Linear bins: per dimension d, nbins[d] + 1 boundaries from the walkers' current minimum to maximum, spaced
 *   as numpy.linspace (b[k] = min + k·(max − min)/nbins[d], last = max); a walker's bin along d is
 *   searchsorted(b, x, 'right') − 1 clamped to [0, nbins[d]), so the maximum and a dimension where all walkers
 *   coincide fall in the last bin, as numpy.digitize does there. Flat index: FIRST dimension fastest
 *   (WESTPA's MAB adds bin_d · prod(nbins[:d]); note this is the reverse of the rectilinear mapper).
 * - Special bins, numbered after the prod(nbins) linear bins, in this order (WESTPA's):
 *   leading bins (walkers at the maximum) for each dimension with direction 1 or 0, in dimension order;
 *   lagging bins (walkers at the minimum) for each dimension with direction -1 or 0;
 *   forward bottleneck bins for each dimension with direction 1 or 0;
 *   reverse bottleneck bins for each dimension with direction -1 or 0.
 *   Leading/lagging bins exist only when `leading`, bottleneck bins only when `bottleneck`, so nbins is fixed.
 * - Bottleneck walker along d, forward: sort walkers by x_d (ties by walker index, for determinism where
 *   numpy's unstable argsort leaves it open); among the walkers strictly between the two ends, the one
 *   maximising Z = ln w − ln(sum of weights of the walkers ahead of it) — the walker whose weight most exceeds
 *   everything beyond it, i.e. the steepest drop in probability (a barrier). Reverse: the same with "ahead"
 *   meaning smaller x_d. First maximum in the scanning direction wins. Zero weights count as 1e-323 so the
 *   logarithm is defined. Fewer than 3 walkers: no bottleneck.
 * - Precedence, per walker: bottleneck bins (dimension order; forward before reverse) before leading/lagging
 *   bins (dimension order; maximum before minimum) before linear bins. As in WESTPA, special walkers are
 *   recognised by their point: every walker with the bottleneck walker's exact point, or with x_d equal to the
 *   extreme, shares its special bin.
 * Differences from WESTPA: no `skip`, `pca` or direction 86 (not in our config), `leading: false` can turn
 * the extreme bins off, and arithmetic is float64 (WESTPA rounds points and weights to the pcoord dtype).
 * Also WESTPA finds extremes and bottlenecks from final points only and then bins initial points with them;
 * here every walker handed to assign() counts.
 */
import { WeError } from '../errors.js';
import type { BinMapper } from '../plugins.js';
import type { WalkerSet } from '../types.js';
import { countAtOrBelow } from './search.js';
import { checkWalkers, MAX_BINS, outputFor } from './walkers.js';

export interface MabOptions {
  nbins: number[];
  direction: number[];
  bottleneck: boolean;
  leading: boolean;
}

const SMALLEST_WEIGHT = 1e-323;
const NONE = -1;

export class MabBinMapper implements BinMapper {
  readonly ndim: number;
  readonly nbins: number;
  private readonly perDim: Uint32Array;
  /** Linear-bin stride per dimension (first dimension fastest). */
  private readonly strides: Float64Array;
  /** Special bin of each dimension, or NONE when that dimension has none. */
  private readonly leadBin: Float64Array;
  private readonly lagBin: Float64Array;
  private readonly forwardBottleneckBin: Float64Array;
  private readonly reverseBottleneckBin: Float64Array;

  constructor(
    private readonly options: MabOptions,
    private readonly where = 'mab bin mapper',
  ) {
    const { nbins, direction } = options;
    if (nbins.length === 0) throw new WeError('nbins is empty, expected a bin count per pcoord dimension', where);
    if (direction.length !== nbins.length) {
      throw new WeError(`direction has ${direction.length} entries, expected one per dimension of nbins (${nbins.length})`, where);
    }
    nbins.forEach((count, d) => {
      if (!Number.isInteger(count) || count < 1) throw new WeError(`nbins[${d}] is ${count}, expected a positive integer`, where);
    });
    direction.forEach((dir, d) => {
      if (dir !== 1 && dir !== -1 && dir !== 0) throw new WeError(`direction[${d}] is ${dir}, expected 1, -1 or 0`, where);
    });
    this.ndim = nbins.length;
    this.perDim = Uint32Array.from(nbins);
    this.strides = new Float64Array(this.ndim);
    let next = 1;
    for (let d = 0; d < this.ndim; d++) {
      this.strides[d] = next;
      next *= nbins[d];
    }
    const forward = (d: number) => direction[d] >= 0;
    const reverse = (d: number) => direction[d] <= 0;
    const numberSpecial = (enabled: boolean, wanted: (d: number) => boolean): Float64Array => {
      const bins = new Float64Array(this.ndim).fill(NONE);
      for (let d = 0; d < this.ndim; d++) if (enabled && wanted(d)) bins[d] = next++;
      return bins;
    };
    this.leadBin = numberSpecial(options.leading, forward);
    this.lagBin = numberSpecial(options.leading, reverse);
    this.forwardBottleneckBin = numberSpecial(options.bottleneck, forward);
    this.reverseBottleneckBin = numberSpecial(options.bottleneck, reverse);
    if (next > MAX_BINS) throw new WeError(`nbins make ${next} bins, more than the ${MAX_BINS} bin indices can hold`, where);
    this.nbins = next;
  }

  assign(walkers: WalkerSet, out?: Uint32Array): Uint32Array {
    checkWalkers(walkers, this.ndim, this.where);
    const result = outputFor(out, walkers.n, this.where);
    if (walkers.n === 0) return result;
    const { n, points } = walkers;
    const ndim = this.ndim;
    const { min, max } = this.extremes(walkers);
    const edges = Array.from(this.perDim, (count, d) => linspace(min[d], max[d], count));
    const forwardWalker = new Int32Array(ndim).fill(NONE);
    const reverseWalker = new Int32Array(ndim).fill(NONE);
    if (this.options.bottleneck && n >= 3) {
      for (let d = 0; d < ndim; d++) {
        [forwardWalker[d], reverseWalker[d]] = bottlenecks(walkers, d);
      }
    }

    for (let i = 0; i < n; i++) {
      let bin = NONE;
      for (let d = 0; d < ndim && bin === NONE; d++) {
        if (this.forwardBottleneckBin[d] !== NONE && samePoint(points, ndim, i, forwardWalker[d])) {
          bin = this.forwardBottleneckBin[d];
        } else if (this.reverseBottleneckBin[d] !== NONE && samePoint(points, ndim, i, reverseWalker[d])) {
          bin = this.reverseBottleneckBin[d];
        }
      }
      for (let d = 0; d < ndim && bin === NONE; d++) {
        const x = points[i * ndim + d];
        if (this.leadBin[d] !== NONE && x === max[d]) bin = this.leadBin[d];
        else if (this.lagBin[d] !== NONE && x === min[d]) bin = this.lagBin[d];
      }
      if (bin === NONE) {
        bin = 0;
        for (let d = 0; d < ndim; d++) {
          const k = countAtOrBelow(edges[d], points[i * ndim + d]) - 1;
          bin += Math.min(Math.max(k, 0), this.perDim[d] - 1) * this.strides[d];
        }
      }
      result[i] = bin;
    }
    return result;
  }

  describe(): unknown {
    const { nbins, direction, bottleneck, leading } = this.options;
    return { type: 'mab', nbins, direction, bottleneck, leading };
  }

  private extremes(walkers: WalkerSet): { min: Float64Array; max: Float64Array } {
    const { n, ndim, points } = walkers;
    const min = new Float64Array(ndim).fill(Infinity);
    const max = new Float64Array(ndim).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < ndim; d++) {
        const x = points[i * ndim + d];
        if (!Number.isFinite(x)) {
          throw new WeError(`walker ${i} has pcoord dimension ${d} = ${x}; adaptive bins need finite values`, this.where);
        }
        if (x < min[d]) min[d] = x;
        if (x > max[d]) max[d] = x;
      }
    }
    return { min, max };
  }
}

/** numpy.linspace(start, stop, count + 1), reproduced operation for operation so boundaries match bit for bit. */
function linspace(start: number, stop: number, count: number): Float64Array {
  const edges = new Float64Array(count + 1);
  const delta = stop - start;
  const step = delta / count;
  for (let k = 0; k < count; k++) edges[k] = step === 0 ? (k / count) * delta + start : k * step + start;
  edges[count] = stop;
  return edges;
}

/** Forward and reverse bottleneck walkers along dimension d (NONE if every interior Z is NaN). */
function bottlenecks(walkers: WalkerSet, d: number): [number, number] {
  const { n, ndim, points, weights } = walkers;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => points[a * ndim + d] - points[b * ndim + d] || a - b);
  const weightAt = (p: number) => weights[order[p]] || SMALLEST_WEIGHT;

  // Running sums from the far end keep the tiny weights ahead of a barrier exact, which a total minus a
  // prefix would not. Scanning against the search direction, `>=` keeps the first maximum in that direction.
  let forward = NONE;
  let best = -Infinity;
  let ahead = weightAt(n - 1);
  for (let p = n - 2; p >= 1; p--) {
    const z = Math.log(weightAt(p)) - Math.log(ahead);
    if (z >= best) {
      best = z;
      forward = order[p];
    }
    ahead += weightAt(p);
  }
  let reverse = NONE;
  best = -Infinity;
  let behind = weightAt(0);
  for (let p = 1; p <= n - 2; p++) {
    const z = Math.log(weightAt(p)) - Math.log(behind);
    if (z >= best) {
      best = z;
      reverse = order[p];
    }
    behind += weightAt(p);
  }
  return [forward, reverse];
}

function samePoint(points: Float64Array, ndim: number, i: number, j: number): boolean {
  if (j === NONE) return false;
  for (let d = 0; d < ndim; d++) if (points[i * ndim + d] !== points[j * ndim + d]) return false;
  return true;
}
