/** pdist's lookup for evenly spaced bins places every point where the general boundary search does. */
import { describe, expect, it } from 'vitest';
import { EvenSearch } from '../core/analysis/pdist.js';
import { BoundarySearch } from '../core/binning/search.js';
import { Random } from '../core/random.js';

describe('EvenSearch', () => {
  it('agrees with BoundarySearch on w_pdist-style float32 linspace bins, on and around every boundary', () => {
    for (const [lb, ub, n] of [[0.5864763855934143, 10.150500192642212, 100], [-3.2, 2.9, 13], [7.1, 7.2, 1000]] as const) {
      const edges = Float64Array.from({ length: n + 1 }, (_, i) => Math.fround(i === n ? ub : i * ((ub - lb) / n) + lb));
      expect(EvenSearch.fits(edges)).toBe(true);
      const even = new EvenSearch(edges);
      const general = new BoundarySearch(edges);
      const rng = new Random(7, n);
      const points = [NaN, -Infinity, Infinity, lb - 1, ub + 1];
      for (const b of edges) points.push(b, Math.fround(b * (1 + 2 ** -23)), Math.fround(b * (1 - 2 ** -23)), b - 1e-12, b + 1e-12);
      for (let i = 0; i < 10_000; i++) points.push(Math.fround(lb - 0.1 + (ub - lb + 0.2) * rng.float()));
      for (const x of points) expect(even.count(x), `x = ${x}`).toBe(general.count(x));
    }
  });

  it('declines uneven boundaries', () => {
    expect(EvenSearch.fits(Float64Array.of(0, 1, 2, 4))).toBe(false);
    expect(EvenSearch.fits(Float64Array.of(-Infinity, 1, 2))).toBe(false);
  });
});
