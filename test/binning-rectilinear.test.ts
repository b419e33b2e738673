import { describe, expect, it } from 'vitest';
import { WeError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { RectilinearBinMapper } from '../core/binning/rectilinear.js';
import { BoundarySearch, countAtOrBelow } from '../core/binning/search.js';
import { walkerSetFrom } from '../core/binning/walkers.js';

describe('RectilinearBinMapper', () => {
  it('bins 1-D points half-open, with infinite outer edges', () => {
    const mapper = new RectilinearBinMapper([[-Infinity, 0, 1, Infinity]]);
    expect(mapper.nbins).toBe(3);
    const bins = mapper.assign(walkerSetFrom([[-1e300], [-0.5], [0], [0.5], [1], [7]]));
    expect(Array.from(bins)).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('numbers 2-D bins row-major, last dimension fastest', () => {
    const mapper = new RectilinearBinMapper([
      [0, 1, 2],
      [0, 10, 20, 30],
    ]);
    expect(mapper.nbins).toBe(6);
    const bins = mapper.assign(walkerSetFrom([[0.5, 5], [0.5, 25], [1.5, 5], [1.5, 15], [1.5, 29.9]]));
    // (i, j) -> i * 3 + j
    expect(Array.from(bins)).toEqual([0, 2, 3, 4, 5]);
  });

  it('numbers 3-D bins as numpy ravel_multi_index', () => {
    const mapper = new RectilinearBinMapper([
      [0, 1, 2],
      [0, 1, 2, 3],
      [0, 1, 2, 3, 4],
    ]);
    expect(mapper.nbins).toBe(24);
    const bins = mapper.assign(walkerSetFrom([[1.5, 2.5, 3.5], [0.5, 1.5, 0.5], [1.2, 0.1, 2.7]]));
    expect(Array.from(bins)).toEqual([1 * 12 + 2 * 4 + 3, 0 * 12 + 1 * 4 + 0, 1 * 12 + 0 * 4 + 2]);
  });

  it('matches a linear scan over 10,000 uneven boundaries', () => {
    const rng = new Random(7);
    const edges = [-Infinity];
    let x = -50;
    for (let k = 0; k < 9_998; k++) edges.push((x += 0.001 + rng.float() * 0.02));
    edges.push(Infinity);
    const mapper = new RectilinearBinMapper([edges]);
    const rows = Array.from({ length: 5_000 }, (_, i) => [i % 10 === 0 ? edges[1 + (i % 9_998)] : -60 + rng.float() * 220]);
    const bins = mapper.assign(walkerSetFrom(rows));
    rows.forEach(([value], i) => {
      let expected = 0;
      while (!(value < edges[expected + 1])) expected++;
      expect(bins[i]).toBe(expected);
    });
  });

  it('finds bins through its lookup table exactly as a plain binary search, even for clustered edges', () => {
    // Most edges crowd into [0, 1e-6] while the span reaches 1000: cells hold many edges or none.
    const edges = [-Infinity, 0, ...Array.from({ length: 999 }, (_, k) => (k + 1) * 1e-9), 1e-6 + 1e-12, 3, 1000, Infinity];
    const sorted = Float64Array.from(edges);
    const search = new BoundarySearch(sorted);
    const rng = new Random(3);
    const probes = [...edges, NaN, -1, 1e-6, 999.999, 1000, 2000, ...Array.from({ length: 3000 }, () => (rng.float() - 0.1) * 1e-6)];
    for (let k = 0; k < 2000; k++) probes.push((rng.float() - 0.1) * 1100);
    for (const x of probes) expect(search.count(x)).toBe(countAtOrBelow(sorted, x));
  });

  it('writes into a caller-supplied output buffer', () => {
    const mapper = new RectilinearBinMapper([[0, 1, 2]]);
    const out = new Uint32Array(4).fill(99);
    const bins = mapper.assign(walkerSetFrom([[1.5], [0.5]]), out);
    expect(bins.buffer).toBe(out.buffer);
    expect(Array.from(out)).toEqual([1, 0, 99, 99]);
  });

  it('rejects a point outside the grid, naming walker, dimension, value and range', () => {
    const mapper = new RectilinearBinMapper(
      [
        [0, 1],
        [0, 1, 2],
      ],
      'binning.mapper',
    );
    const call = () => mapper.assign(walkerSetFrom([[0.5, 0.5], [0.5, 2]]));
    expect(call).toThrow(WeError);
    expect(call).toThrow('binning.mapper: walker 1 has pcoord dimension 1 = 2, outside the bin boundaries [0, 2)');
    expect(() => mapper.assign(walkerSetFrom([[-0.1, 0.5]]))).toThrow('walker 0 has pcoord dimension 0 = -0.1');
    expect(() => mapper.assign(walkerSetFrom([[0.5, NaN]]))).toThrow('walker 0 has pcoord dimension 1 = NaN');
  });

  it('rejects boundaries that do not increase strictly or are too short', () => {
    expect(() => new RectilinearBinMapper([[0, 1, 1]], 'binning.mapper')).toThrow(
      'binning.mapper: boundaries[0] must increase strictly, found 1 then 1 at index 2',
    );
    expect(() => new RectilinearBinMapper([[0, 1], [3]])).toThrow('boundaries[1] has 1 value(s), expected at least 2');
    expect(() => new RectilinearBinMapper([[0, NaN]])).toThrow('boundaries[0][1] is NaN');
  });

  it('rejects walkers of another dimensionality', () => {
    const mapper = new RectilinearBinMapper([[0, 1]]);
    expect(() => mapper.assign(walkerSetFrom([[0.5, 0.5]]))).toThrow('walkers have 2-dimensional points, expected 1');
  });
});
