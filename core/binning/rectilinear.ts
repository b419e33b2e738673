/**
 * A grid of per-dimension boundaries, as WESTPA's RectilinearBinMapper: bin k along a dimension holds
 * b[k] <= x < b[k+1], and the flat bin index is row-major over dimensions (last dimension fastest, numpy's
 * ravel_multi_index). A point outside the grid is an error, as in WESTPA, rather than silently clamped:
 * a walker escaping the binned space usually means a wrong pcoord or a wrong grid.
 * Unlike WESTPA (which casts both sides to float32) comparisons are made in float64 against the boundaries
 * as given; only a point lying exactly on a boundary that float32 cannot represent can bin differently.
 */
import { WeError } from '../errors.js';
import type { BinMapper } from '../plugins.js';
import type { WalkerSet } from '../types.js';
import { BoundarySearch } from './search.js';
import { checkWalkers, MAX_BINS, outputFor } from './walkers.js';

export class RectilinearBinMapper implements BinMapper {
  readonly ndim: number;
  readonly nbins: number;
  private readonly bounds: BoundarySearch[];
  /** Flat-index stride of each dimension. */
  private readonly strides: Float64Array;

  constructor(
    boundaries: number[][],
    private readonly where = 'rectilinear bin mapper',
  ) {
    if (boundaries.length === 0) throw new WeError('boundaries is empty, expected one list per pcoord dimension', where);
    this.ndim = boundaries.length;
    this.bounds = boundaries.map((b, d) => new BoundarySearch(checkedBoundaries(b, d, where)));
    this.strides = new Float64Array(this.ndim);
    let nbins = 1;
    for (let d = this.ndim - 1; d >= 0; d--) {
      this.strides[d] = nbins;
      nbins *= this.bounds[d].sorted.length - 1;
    }
    if (nbins > MAX_BINS) throw new WeError(`boundaries make ${nbins} bins, more than the ${MAX_BINS} bin indices can hold`, where);
    this.nbins = nbins;
  }

  assign(walkers: WalkerSet, out?: Uint32Array): Uint32Array {
    checkWalkers(walkers, this.ndim, this.where);
    const result = outputFor(out, walkers.n, this.where);
    const { n, points } = walkers;
    const ndim = this.ndim;
    // Dimension by dimension, so each inner loop keeps one boundary table hot in cache.
    for (let d = 0; d < ndim; d++) {
      const search = this.bounds[d];
      const last = search.sorted.length - 2;
      const stride = this.strides[d];
      for (let i = 0; i < n; i++) {
        const x = points[i * ndim + d];
        const k = search.count(x) - 1;
        if (k < 0 || k > last) this.outOfRange(i, d, x);
        result[i] = d === 0 ? k * stride : result[i] + k * stride;
      }
    }
    return result;
  }

  describe(): unknown {
    return { type: 'rectilinear', boundaries: this.bounds.map((b) => Array.from(b.sorted)) };
  }

  private outOfRange(walker: number, dim: number, value: number): never {
    const b = this.bounds[dim].sorted;
    throw new WeError(
      `walker ${walker} has pcoord dimension ${dim} = ${value}, outside the bin boundaries [${b[0]}, ${b[b.length - 1]})`,
      this.where,
    );
  }
}

function checkedBoundaries(b: number[], dim: number, where: string): Float64Array {
  if (b.length < 2) throw new WeError(`boundaries[${dim}] has ${b.length} value(s), expected at least 2`, where);
  for (let k = 0; k < b.length; k++) {
    if (typeof b[k] !== 'number' || Number.isNaN(b[k])) {
      throw new WeError(`boundaries[${dim}][${k}] is ${String(b[k])}, expected a number`, where);
    }
    if (k > 0 && !(b[k] > b[k - 1])) {
      throw new WeError(`boundaries[${dim}] must increase strictly, found ${b[k - 1]} then ${b[k]} at index ${k}`, where);
    }
  }
  return Float64Array.from(b);
}
