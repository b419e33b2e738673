/**
 * What a run looks like iteration by iteration, apart from its distributions and rates: how many walkers, how
 * many bins they occupy, and where the time went (as far as the run recorded it). WESTPA bins walkers by the
 * first point of their segment (the parent's last), so an iteration's occupied bins are those of its walkers as
 * they started it.
 */
import type { BinMapper } from '../plugins.js';
import type { RunView } from '../run-view.js';
import type { IterationRange } from './iteration-range.js';

export interface IterationSeries {
  /** Iterations first … last. */
  iterations: Int32Array;
  walkers: Int32Array;
  /** Bins holding at least one walker at the start of the iteration; absent without a bin mapper. */
  occupiedBins?: Int32Array;
  /** Seconds of the whole iteration as the run recorded it (/summary walltime). */
  iterationWalltime: Float64Array;
  /** CPU seconds of all its segments (/summary cputime). */
  cputime: Float64Array;
  /** Wall-clock seconds of its longest segment, and the mean over its segments (seg_index walltime). */
  longestSegment: Float64Array;
  meanSegment: Float64Array;
  /** Σ segment wall time / iteration wall time: how many segments ran at once on average. */
  concurrency: Float64Array;
}

function countDistinct(bins: Uint32Array, nbins: number, seen: Uint8Array): number {
  seen.fill(0, 0, nbins);
  let count = 0;
  for (let i = 0; i < bins.length; i++) {
    if (seen[bins[i]] === 0) {
      seen[bins[i]] = 1;
      count++;
    }
  }
  return count;
}

export function iterationSeries(view: RunView, { first, last }: IterationRange, mapper?: BinMapper): IterationSeries {
  const count = last - first + 1;
  const { walltime, cputime } = view.timings();
  const series: IterationSeries = {
    iterations: Int32Array.from({ length: count }, (_, i) => first + i),
    walkers: new Int32Array(count),
    ...(mapper ? { occupiedBins: new Int32Array(count) } : {}),
    iterationWalltime: walltime.slice(first - 1, last),
    cputime: cputime.slice(first - 1, last),
    longestSegment: new Float64Array(count),
    meanSegment: new Float64Array(count),
    concurrency: new Float64Array(count),
  };
  const seen = new Uint8Array(mapper?.nbins ?? 0);
  for (let n = first; n <= last; n++) {
    const k = n - first;
    const segments = view.segments(n);
    series.walkers[k] = segments.n;
    let longest = 0;
    let total = 0;
    for (const t of segments.walltime) {
      longest = Math.max(longest, t);
      total += t;
    }
    series.longestSegment[k] = longest;
    series.meanSegment[k] = segments.n > 0 ? total / segments.n : 0;
    series.concurrency[k] = series.iterationWalltime[k] > 0 ? total / series.iterationWalltime[k] : NaN;
    if (mapper && series.occupiedBins) {
      const points = Float64Array.from(view.pcoords(n, 'first'));
      const bins = mapper.assign({ n: segments.n, ndim: view.pcoord.ndim, points, weights: segments.weight });
      series.occupiedBins[k] = countDistinct(bins, mapper.nbins, seen);
    }
  }
  return series;
}
