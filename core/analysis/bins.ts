/**
 * The run's walkers in bins: each segment's first or final point assigned by a bin mapper (the run's own, built
 * from we.yaml, or one given with --bins), per iteration, and the walkers and occupied bins per iteration.
 */
import type { BinMapper } from '../plugins.js';
import type { RunView } from '../run-view.js';
import type { IterationRange } from './iteration-range.js';

/** Bin of each segment's first point (row 0, where it started) or final point, in iteration n. */
export function segmentBins(view: RunView, mapper: BinMapper, n: number, point: 'first' | 'last'): Uint32Array {
  const points = Float64Array.from(view.pcoords(n, point));
  const count = points.length / view.pcoord.ndim;
  return mapper.assign({ n: count, ndim: view.pcoord.ndim, points, weights: view.weights(n) });
}

export interface Occupancy {
  iterations: Int32Array;
  walkers: Int32Array;
  /** Bins holding at least one walker at the start of each iteration (after the previous resampling). */
  occupiedBins: Int32Array;
}

export function occupancy(view: RunView, mapper: BinMapper, { first, last }: IterationRange): Occupancy {
  const count = last - first + 1;
  const out: Occupancy = { iterations: new Int32Array(count), walkers: new Int32Array(count), occupiedBins: new Int32Array(count) };
  for (let n = first; n <= last; n++) {
    const bins = segmentBins(view, mapper, n, 'first');
    out.iterations[n - first] = n;
    out.walkers[n - first] = bins.length;
    out.occupiedBins[n - first] = new Set(bins).size;
  }
  return out;
}
