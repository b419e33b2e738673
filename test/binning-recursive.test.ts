import { describe, expect, it } from 'vitest';
import { MabBinMapper } from '../core/binning/mab.js';
import { RecursiveBinMapper } from '../core/binning/recursive.js';
import { RectilinearBinMapper } from '../core/binning/rectilinear.js';
import { walkerSetFrom } from '../core/binning/walkers.js';

const grid = (...edges: number[]) => new RectilinearBinMapper([edges]);
const bins = (mapper: RecursiveBinMapper, xs: number[], weights?: number[]) =>
  Array.from(mapper.assign(walkerSetFrom(xs.map((x) => [x]), weights)));

describe('RecursiveBinMapper', () => {
  it('replaces one outer bin by a finer grid, appending its bins after the kept outer bins', () => {
    const mapper = new RecursiveBinMapper(grid(0, 1, 2, 3), [{ at: [1.5], mapper: grid(1, 1.25, 1.5, 1.75, 2) }]);
    expect(mapper.nbins).toBe(2 + 4);
    expect(bins(mapper, [0.5, 2.5, 1.1, 1.3, 1.6, 1.9])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('orders replaced blocks by outer bin, not by config order', () => {
    const mapper = new RecursiveBinMapper(grid(0, 1, 2, 3, 4), [
      { at: [3.5], mapper: grid(3, 3.5, 4) },
      { at: [0.5], mapper: grid(0, 0.3, 0.6, 1) },
    ]);
    expect(mapper.nbins).toBe(2 + 3 + 2);
    expect(bins(mapper, [1.5, 2.5, 0.1, 0.4, 0.9, 3.2, 3.7])).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('nests an entry whose point falls in an already replaced bin one level deeper, as WESTPA add_mapper', () => {
    const mapper = new RecursiveBinMapper(grid(0, 1, 2, 3), [
      { at: [1.5], mapper: grid(1, 1.5, 2) },
      { at: [1.7], mapper: grid(1.5, 1.75, 2) },
    ]);
    // outer 0, 2 -> 0, 1; outer 1 -> [inner bin 1.0-1.5 -> 2; its bin 1.5-2 split again -> 3, 4]
    expect(mapper.nbins).toBe(5);
    expect(bins(mapper, [0.5, 2.5, 1.2, 1.6, 1.8])).toEqual([0, 1, 2, 3, 4]);
  });

  it('hands an inner MAB mapper only the walkers of its bin, with their weights', () => {
    // Inner MAB bins: 0, 1 linear; 2 leading; 3 forward bottleneck. Its walkers 1.2 .. 1.8 set the edges
    // 1.2, 1.5, 1.8 and the bottleneck (1.6: weight 0.099 with only 0.001 ahead), which the outer walkers
    // 0.5 and 2.5, far heavier and farther out, would change if the inner mapper saw them.
    const mab = new MabBinMapper({ nbins: [2], direction: [1], bottleneck: true, leading: true });
    const mapper = new RecursiveBinMapper(grid(0, 1, 2, 3), [{ at: [1.5], mapper: mab }]);
    expect(mapper.nbins).toBe(2 + 4);
    const xs = [1.6, 0.5, 1.2, 2.5, 1.8, 1.4];
    const weights = [0.099, 5, 0.5, 1e-9, 0.001, 0.4];
    expect(bins(mapper, xs, weights)).toEqual([2 + 3, 0, 2 + 0, 1, 2 + 2, 2 + 0]);
  });

  it('leaves inner mappers uncalled when their bin is empty', () => {
    const mab = new MabBinMapper({ nbins: [2], direction: [1], bottleneck: true, leading: true });
    const mapper = new RecursiveBinMapper(grid(0, 1, 2, 3), [{ at: [1.5], mapper: mab }]);
    expect(bins(mapper, [0.5, 2.5])).toEqual([0, 1]);
  });

  it('rejects an inner point outside the outer grid and dimension mismatches', () => {
    expect(() => new RecursiveBinMapper(grid(0, 1), [{ at: [5], mapper: grid(0, 1) }], 'binning.mapper')).toThrow(
      'binning.mapper: inner[0].at = [5] lies in no bin of the outer mapper',
    );
    const twoD = new RectilinearBinMapper([
      [0, 1],
      [0, 1],
    ]);
    expect(() => new RecursiveBinMapper(grid(0, 1), [{ at: [0.5], mapper: twoD }])).toThrow('inner[0].mapper has ndim 2, expected 1');
    expect(() => new RecursiveBinMapper(grid(0, 1), [{ at: [0.5, 0.5], mapper: grid(0, 1) }])).toThrow('inner[0].at has 2 coordinates');
  });
});
