/**
 * The haMSM's bootstrap interval on a run with few arrivals, all late: the arrivals fall in the window's last
 * iterations, after its last whole block of corr_len + 1 iterations. The interval must come from resamples that
 * can draw those iterations, so it contains the estimate (go-chignolin's 26 iterations, blocks of 6, had their
 * largest arrival in iteration 25 and an interval below the estimate before this was fixed).
 */
import { describe, expect, it } from 'vitest';
import { hamsmRates } from '../core/analysis/hamsm.js';
import { RectilinearBinMapper } from '../core/binning/rectilinear.js';
import { Endpoint } from '../core/types.js';
import type { IterationSegments, RunView } from '../core/run-view.js';

const ITERATIONS = 26;
const BLOCK = 6;

/**
 * Three bins on a line, source [−∞, 1), middle [1, 2), target [2, ∞). Every iteration, weight moves between
 * source and middle; only iterations 25 and 26 (the partial block after four blocks of 6) have a segment
 * ending in the target.
 */
function lateArrivalsRun(): RunView {
  const moves = (n: number): [number, number, number][] => {
    const base: [number, number, number][] = [[0.5, 0.5, 0.5], [0.5, 1.5, 0.25], [1.5, 0.5, 0.15], [1.5, 1.5, 0.1]];
    if (n < 25) return base;
    return [[0.5, 0.5, 0.5], [0.5, 1.5, 0.25], [1.5, 0.5, 0.1], [1.5, 2.5, 0.05], [1.5, 1.5, 0.1]];
  };
  const segments = (n: number): IterationSegments => {
    const m = moves(n);
    return {
      iteration: n,
      n: m.length,
      weight: Float64Array.from(m, ([, , w]) => w),
      parentId: new Int32Array(m.length),
      endpointType: Uint8Array.from(m, ([, end]) => (end > 2 ? Endpoint.recycled : Endpoint.continues)),
      recycledInto: Int32Array.from(m, ([, end]) => (end > 2 ? 0 : -1)),
      walltime: new Float64Array(m.length),
      cputime: new Float64Array(m.length),
    };
  };
  return {
    source: 'late-arrivals (in memory)',
    lastIteration: ITERATIONS,
    pcoord: { len: 2, ndim: 1, dtype: 'float64' },
    basisStates: [{ label: 'source', probability: 1, auxref: '0', pcoord: [0.5] }],
    targetStates: [{ label: 'target', pcoord: [2.5] }],
    segments,
    weights: (n) => segments(n).weight,
    recycling: (n) => segments(n),
    pcoords: (n, rows) => {
      const m = moves(n);
      if (rows === 'first') return Float64Array.from(m, ([from]) => from);
      if (rows === 'last') return Float64Array.from(m, ([, to]) => to);
      return Float64Array.from(m.flatMap(([from, to]) => [from, to]));
    },
    initialState: () => {
      throw new Error('not used');
    },
    timings: () => ({ walltime: new Float64Array(ITERATIONS), cputime: new Float64Array(ITERATIONS) }),
    close: () => {},
  };
}

describe('haMSM interval', () => {
  it('contains its estimate when every arrival is in the iterations after the last whole block', () => {
    const mapper = new RectilinearBinMapper([[-Infinity, 1, 2, Infinity]]);
    const settings = { alpha: 0.05, nsets: 1000, acAlpha: 0.05, seed: 7 };
    const [rate] = hamsmRates(lateArrivalsRun(), mapper, { first: 1, last: ITERATIONS }, settings, BLOCK).rates;
    expect(ITERATIONS % BLOCK).toBeGreaterThan(0);
    expect(rate.expected).toBeGreaterThan(0);
    expect(rate.ci_lbound).toBeLessThanOrEqual(rate.expected);
    expect(rate.ci_ubound).toBeGreaterThanOrEqual(rate.expected);
    expect(rate.ci_ubound).toBeGreaterThan(0);
  });
});
