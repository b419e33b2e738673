/**
 * `we pdist` on a west.h5 in WESTPA's own layout (made by the fixture script) and on one `we` wrote: pdist.h5 has
 * w_pdist's layout and w_pdist's numbers (recomputed here with numpy as w_pdist computes them).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, we } from './helpers/cli.js';
import { h5pyJson } from './helpers/h5py.js';
import { W_PDIST, type WPdistComparison } from './helpers/w-pdist.js';
import { westpaLayoutRun } from './helpers/westpa-layout.js';
import { probabilityDistribution, probabilityDistributions, type PdistOptions } from '../core/analysis/pdist.js';
import { Random } from '../core/random.js';
import type { RunView } from '../core/run-view.js';
import { openRunView } from '../plugins/stores/westh5/run-view.js';

async function compare(dir: string, pdist: string, range: { dims: number[]; first: number; last: number }): Promise<WPdistComparison> {
  return h5pyJson<WPdistComparison>(W_PDIST, join(dir, 'west.h5'), JSON.stringify({ pdist: join(dir, pdist), ...range }));
}

describe('we pdist', () => {
  it("writes w_pdist's pdist.h5 for a WESTPA-layout west.h5 given with -W (no we.yaml needed)", async () => {
    const dir = await westpaLayoutRun({ iterations: 12 });
    const run = await we(['pdist', '-W', 'west.h5', '-o', 'all.h5'], dir);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/^wrote all\.h5: iterations 1 to 12, dimension 0 in 100 bins \[/);
    const all = await compare(dir, 'all.h5', { dims: [0], first: 1, last: 12 });
    expect(all.shape).toEqual([12, 100]);
    expect(all.n_iter).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(all.n_iter_dtype).toBe('uint8');
    expect(all.iter_range).toEqual([1, 13]);
    expect(all.midpoints_ok).toBe(true);
    expect(all.max_abs_diff).toBeLessThan(1e-12 * all.max_value);

    // a sub-range on fixed boundaries: the first iteration of the range counts its timepoint 0
    const part = await we(['pdist', '-W', 'west.h5', '--first-iter', '5', '--last-iter', '9', '--bins', '[[-1,1.1,1.5,2,2.5,3,11]]', '-o', 'part.h5'], dir);
    expect(part.exitCode, part.all).toBe(0);
    const sub = await compare(dir, 'part.h5', { dims: [0], first: 5, last: 9 });
    expect(sub.shape).toEqual([5, 6]);
    expect(sub.iter_range).toEqual([5, 10]);
    expect(sub.max_abs_diff).toBeLessThan(1e-12 * sub.max_value);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('reads the run of we.yaml (-c) that we wrote, the same as w_pdist would', async () => {
    const dir = copyExample('odld');
    expect((await we(['init'], dir)).exitCode).toBe(0);
    expect((await we(['run', '--max-iter', '8'], dir)).exitCode).toBe(0);
    const run = await we(['pdist', '--bins', '40', '--dims', '0'], dir);
    expect(run.exitCode, run.all).toBe(0);
    expect(existsSync(join(dir, 'pdist.h5'))).toBe(true);
    const result = await compare(dir, 'pdist.h5', { dims: [0], first: 1, last: 8 });
    expect(result.shape).toEqual([8, 40]);
    expect(result.max_abs_diff).toBeLessThan(1e-12 * result.max_value);
  });
  it('computes several distributions in two passes over the run, each the same as computed alone', async () => {
    const dir = await westpaLayoutRun({ iterations: 12 });
    const view = await openRunView(join(dir, 'west.h5'));
    try {
      const reads = new Map<number, number>();
      const counted: RunView = {
        ...view,
        pcoords: (n, rows, reuse) => {
          reads.set(n, (reads.get(n) ?? 0) + 1);
          return view.pcoords(n, rows, reuse);
        },
        weights: (n) => view.weights(n),
        segments: (n) => view.segments(n),
        recycling: (n) => view.recycling(n),
      };
      const requests: PdistOptions[] = [
        { dims: [0] },
        { first: 5, last: 9, bins: { kind: 'boundaries', boundaries: [[-1, 1.1, 1.5, 2, 2.5, 3, 11]] } },
        { first: 3, last: 12, bins: { kind: 'counts', counts: [17] } },
      ];
      const together = probabilityDistributions(counted, requests);
      // the range pass and the histogram pass; iterations 1–12 are each needed by some count spec
      expect([...reads.values()]).toEqual(Array(12).fill(2));
      requests.forEach((options, k) => {
        const alone = probabilityDistribution(view, options);
        expect(together[k].shape).toEqual(alone.shape);
        expect(together[k].iterations).toEqual(alone.iterations);
        expect(together[k].axes).toEqual(alone.axes);
        expect(together[k].histograms).toEqual(alone.histograms);
      });
    } finally {
      view.close();
    }
  });

  it('bins a 2-D pcoord once per dimension for all the distributions that share it, as each computed alone', () => {
    const view = latentView(6, 40, 5);
    const requests: PdistOptions[] = [
      { dims: [0] },
      { dims: [1] },
      { dims: [0, 1] },
      { dims: [1, 0], first: 3, last: 5, bins: { kind: 'counts', counts: [7, 9] } },
    ];
    const together = probabilityDistributions(view, requests);
    requests.forEach((options, k) => expect(together[k]).toEqual(probabilityDistribution(view, options)));
    // the 2-D one against the definition: weights per cell over all timepoints (timepoint 0 only in the first
    // iteration), divided by the cell's area, summing to 1
    const { axes, shape, histograms } = together[2];
    for (let n = 1; n <= 6; n++) {
      const expected = new Float64Array(shape[0] * shape[1]);
      const points = view.pcoords(n, 'all');
      view.weights(n).forEach((w, s) => {
        for (let t = n === 1 ? 0 : 1; t < 5; t++) {
          const [x, y] = [points[(s * 5 + t) * 2], points[(s * 5 + t) * 2 + 1]];
          const [i, j] = [axes[0].edges.findLastIndex((e) => e <= x), axes[1].edges.findLastIndex((e) => e <= y)];
          expected[i * shape[1] + j] += w / ((axes[0].edges[i + 1] - axes[0].edges[i]) * (axes[1].edges[j + 1] - axes[1].edges[j]));
        }
      });
      const total = expected.reduce((a, b) => a + b, 0);
      const got = histograms.subarray((n - 1) * expected.length, n * expected.length);
      expected.forEach((e, c) => expect(got[c]).toBeCloseTo(e / total, 12));
    }
    // a point outside fixed boundaries is named by iteration, segment, timepoint and dimension: here the first
    // point's second coordinate, at the last boundary of dimension 1
    const y = view.pcoords(1, 'all')[1];
    const wide = { kind: 'boundaries' as const, boundaries: [[-100, 100], [-100, 100]] };
    const narrow = { kind: 'boundaries' as const, boundaries: [[-100, 100], [-100, y]] };
    expect(() => probabilityDistributions(view, [{ dims: [0, 1], bins: wide }, { dims: [0, 1], bins: narrow }])).toThrow(
      `iteration 1, segment 0, timepoint 0: pcoord dimension 1 = ${y} is outside the bins [-100, ${y})`,
    );
  });
});

/**
 * A 2-D float64 run held in memory (walkers drifting from the origin), for arithmetic checks that need no file:
 * `iterations` × `walkers` segments of `len` timepoints, uneven weights summing to 1.
 */
function latentView(iterations: number, walkers: number, len: number): RunView {
  const rng = new Random(3);
  const pcoords = Array.from({ length: iterations }, () => Float64Array.from({ length: walkers * len * 2 }, (_, k) => (k % 2 ? 1 : 2) * (rng.float() - 0.3) * 3));
  const raw = Array.from({ length: walkers }, (_, s) => 1 + (s % 7));
  const weight = Float64Array.from(raw, (w) => w / raw.reduce((a, b) => a + b, 0));
  const unused = (): never => {
    throw new Error('not used by pdist');
  };
  return {
    source: 'latent (in memory)',
    lastIteration: iterations,
    pcoord: { len, ndim: 2, dtype: 'float64' },
    basisStates: [],
    targetStates: [],
    pcoords: (n, rows) => (rows === 'all' ? pcoords[n - 1] : unused()),
    weights: () => weight,
    segments: unused,
    initialState: unused,
    timings: unused,
    close: () => {},
  };
}
