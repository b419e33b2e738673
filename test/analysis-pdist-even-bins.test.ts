/**
 * pdist's loop for evenly spaced bins (w_pdist's default and any even --bins) against a brute-force histogram:
 * the same sums bit for bit (weights added in point order), points outside dropped with --loose, and otherwise
 * the first of them named by iteration, segment and timepoint.
 */
import { describe, expect, it } from 'vitest';
import { probabilityDistribution } from '../core/analysis/pdist.js';
import { Random } from '../core/random.js';
import type { RunView } from '../core/run-view.js';
import type { PcoordShape } from '../core/types.js';

const SHAPE: PcoordShape = { len: 5, ndim: 2, dtype: 'float32' };
const SEGMENTS = 40;
const ITERATIONS = 3;

/** Float32 points of two dimensions, dimension 1 partly outside [0, 1); weights summing to 1 per iteration. */
function memoryRun(): RunView {
  const rng = new Random(3, 0);
  const points = Array.from({ length: ITERATIONS }, () => Float32Array.from({ length: SEGMENTS * SHAPE.len * SHAPE.ndim }, (_, i) => (i % 2 === 0 ? rng.float() : 1.2 * rng.float() - 0.1)));
  const weights = Array.from({ length: ITERATIONS }, () => {
    const w = Float64Array.from({ length: SEGMENTS }, () => rng.float());
    const total = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / total);
  });
  const unused = (): never => {
    throw new Error('not used by pdist');
  };
  return {
    source: 'memory',
    lastIteration: ITERATIONS,
    pcoord: SHAPE,
    basisStates: [],
    targetStates: [],
    pcoords: (n) => points[n - 1],
    weights: (n) => weights[n - 1],
    segments: unused,
    recycling: unused,
    initialState: unused,
    timings: unused,
    close: () => {},
  };
}

/** Bin k holds edges[k] <= x < edges[k + 1], found by walking the edges; the weights added in point order. */
function bruteForce(view: RunView, dim: number, edges: number[]): Float64Array[] {
  const compared = edges.map(Math.fround);
  return Array.from({ length: ITERATIONS }, (_, i) => {
    const n = i + 1;
    const points = view.pcoords(n, 'all');
    const weights = view.weights(n);
    const hist = new Float64Array(edges.length - 1);
    for (let s = 0; s < SEGMENTS; s++) {
      for (let t = n === 1 ? 0 : 1; t < SHAPE.len; t++) {
        const x = points[(s * SHAPE.len + t) * SHAPE.ndim + dim];
        const k = compared.findIndex((b, j) => j < compared.length - 1 && b <= x && x < compared[j + 1]);
        if (k >= 0) hist[k] += weights[s];
      }
    }
    // w_pdist's 1-D normalisation: a density over bin widths taken in the pcoord's precision
    const total = hist.reduce((sum, h, k) => sum + h * Math.fround(compared[k + 1] - compared[k]), 0);
    return hist.map((h) => h / total);
  });
}

describe('pdist over evenly spaced bins', () => {
  it('sums as a brute-force histogram does, bit for bit, for count bins and even boundaries', () => {
    const view = memoryRun();
    const byCount = probabilityDistribution(view, { dims: [0], bins: { kind: 'counts', counts: [7] } });
    const edges = Array.from(byCount.axes[0].edges);
    expect(Array.from(byCount.histograms)).toEqual(bruteForce(view, 0, edges).flatMap((h) => Array.from(h)));

    const even = [0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1];
    const loose = probabilityDistribution(view, { dims: [1], bins: { kind: 'boundaries', boundaries: [even] }, loose: true });
    expect(Array.from(loose.histograms)).toEqual(bruteForce(view, 1, even).flatMap((h) => Array.from(h)));
  });

  it('names the first point outside even boundaries without --loose', () => {
    const view = memoryRun();
    const points = view.pcoords(1, 'all');
    let at = 1;
    while (points[at] >= 0 && points[at] < 1) at += SHAPE.ndim;
    const segment = Math.floor(at / (SHAPE.len * SHAPE.ndim));
    const timepoint = Math.floor(at / SHAPE.ndim) % SHAPE.len;
    expect(() => probabilityDistribution(view, { dims: [1], bins: { kind: 'boundaries', boundaries: [[0, 0.5, 1]] } })).toThrow(
      `iteration 1, segment ${segment}, timepoint ${timepoint}: pcoord dimension 1 = ${points[at]} is outside the bins [0, 1)`,
    );
  });
});
