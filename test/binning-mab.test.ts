import { describe, expect, it } from 'vitest';
import { MabBinMapper, type MabOptions } from '../core/binning/mab.js';
import { walkerSetFrom } from '../core/binning/walkers.js';
import { Random } from '../core/random.js';

const plain = (nbins: number[]): MabOptions => ({ nbins, direction: nbins.map(() => 1), bottleneck: false, leading: false });
const bins = (mapper: MabBinMapper, rows: number[][], weights?: number[]) => Array.from(mapper.assign(walkerSetFrom(rows, weights)));

describe('MabBinMapper', () => {
  it('counts linear bins plus the special bins of each direction, as WESTPA', () => {
    expect(new MabBinMapper(plain([3, 2])).nbins).toBe(6);
    expect(new MabBinMapper({ nbins: [3, 2], direction: [0, 1], bottleneck: true, leading: true }).nbins).toBe(6 + 4 + 2);
    expect(new MabBinMapper({ nbins: [5, 5, 5], direction: [0, 0, 0], bottleneck: true, leading: true }).nbins).toBe(137);
    expect(new MabBinMapper({ nbins: [5], direction: [-1], bottleneck: false, leading: true }).nbins).toBe(6);
  });

  it('spaces linear bins evenly between the current extremes, which move with the walkers', () => {
    const mapper = new MabBinMapper(plain([4]));
    const xs = [0, 1, 2.4, 2.5, 5, 7.6, 10];
    const expected = [0, 0, 0, 1, 2, 3, 3];
    expect(bins(mapper, xs.map((x) => [x]))).toEqual(expected);
    expect(bins(mapper, xs.map((x) => [100 + 3 * x]))).toEqual(expected);
    // mirrored: edges -10, -7.5, -5, -2.5, 0, and bins stay half-open on the right
    expect(bins(mapper, xs.map((x) => [-x]))).toEqual([3, 3, 3, 3, 2, 0, 0]);
  });

  it('numbers multi-dimensional linear bins first dimension fastest (WESTPA MAB order)', () => {
    const mapper = new MabBinMapper(plain([2, 3]));
    const rows = [[0, 0], [10, 0], [0, 30], [10, 30], [6, 0], [0, 11], [4, 25]];
    // x edges 0, 5, 10; y edges 0, 10, 20, 30; bin = ix + 2 * iy
    expect(bins(mapper, rows)).toEqual([0, 1, 4, 5, 1, 2, 4]);
  });

  it('puts every walker at the leading extreme in the leading bin, per direction', () => {
    const rows = [[0], [1], [4], [3], [4]];
    const forward = new MabBinMapper({ nbins: [2], direction: [1], bottleneck: false, leading: true });
    expect(bins(forward, rows)).toEqual([0, 0, 2, 1, 2]);
    const backward = new MabBinMapper({ nbins: [2], direction: [-1], bottleneck: false, leading: true });
    expect(bins(backward, rows)).toEqual([2, 0, 1, 1, 1]);
    const both = new MabBinMapper({ nbins: [2], direction: [0], bottleneck: false, leading: true });
    expect(bins(both, rows)).toEqual([3, 0, 2, 1, 2]);
  });

  it('gives the bottleneck walkers their own bins, whatever the walker order', () => {
    // Sorted by x, weights drop by five orders of magnitude after x = 3: forward Z = ln w − ln(weight ahead)
    // peaks there. Reverse Z = ln w − ln(weight behind) peaks at x = 1, right after the heaviest walker.
    const byX = [0.4, 0.3, 0.2, 0.0999989, 1e-6, 1e-7];
    const order = [3, 5, 0, 1, 4, 2];
    const rows = order.map((x) => [x]);
    const weights = order.map((x) => byX[x]);
    // bins: 0, 1 linear (edges 0, 2.5, 5); 2 leading (max); 3 lagging (min); 4 forward and 5 reverse bottleneck
    const both = new MabBinMapper({ nbins: [2], direction: [0], bottleneck: true, leading: true });
    expect(bins(both, rows, weights)).toEqual([4, 2, 3, 5, 1, 0]);
    // direction 1: 2 leading, 3 forward bottleneck
    const forward = new MabBinMapper({ nbins: [2], direction: [1], bottleneck: true, leading: true });
    expect(bins(forward, rows, weights)).toEqual([3, 2, 0, 0, 1, 0]);
    // with the same points every walker gets the same bin, in any order
    const reversed = [...order.keys()].reverse();
    expect(bins(both, reversed.map((i) => rows[i]), reversed.map((i) => weights[i]))).toEqual(reversed.map((i) => [4, 2, 3, 5, 1, 0][i]));
  });

  it('ranks bottleneck bins before extremes and extremes before linear bins', () => {
    // y = x, so along both dimensions the same walker leads and the same walker is the bottleneck; dimension 0
    // claims it. Bins: 0-3 linear, 4/5 leading dim 0/1, 6/7 forward bottleneck dim 0/1.
    const mapper = new MabBinMapper({ nbins: [2, 2], direction: [1, 1], bottleneck: true, leading: true });
    const byX = [0.4, 0.3, 0.2, 0.0999989, 1e-6, 1e-7];
    const rows = byX.map((_, x) => [x, x]);
    expect(bins(mapper, rows, byX)).toEqual([0, 0, 0, 6, 3, 4]);
  });

  it('uses no bottleneck bins with fewer than three walkers', () => {
    const mapper = new MabBinMapper({ nbins: [2], direction: [1], bottleneck: true, leading: false });
    expect(bins(mapper, [[0], [1]], [0.9, 0.1])).toEqual([0, 1]);
    const none = { n: 0, ndim: 1, points: new Float64Array(0), weights: new Float64Array(0) };
    expect(mapper.assign(none)).toHaveLength(0);
  });

  it('is deterministic and assigns each walker independently of the walkers order', () => {
    const rng = new Random(11);
    const n = 500;
    const rows = Array.from({ length: n }, () => [rng.normal(), rng.normal() * 3]);
    const weights = Array.from({ length: n }, () => Math.exp(-20 * rng.float()));
    const mapper = new MabBinMapper({ nbins: [4, 3], direction: [0, -1], bottleneck: true, leading: true });
    const first = bins(mapper, rows, weights);
    expect(bins(mapper, rows, weights)).toEqual(first);
    const perm = Array.from({ length: n }, (_, i) => (i * 7919) % n);
    expect(bins(mapper, perm.map((i) => rows[i]), perm.map((i) => weights[i]))).toEqual(perm.map((i) => first[i]));
    // every special bin holds exactly one walker (no ties among random points)
    for (let bin = 12; bin < mapper.nbins; bin++) expect(first.filter((b) => b === bin)).toHaveLength(1);
  });

  it('rejects non-finite points and bad options, naming the field', () => {
    const mapper = new MabBinMapper(plain([2]), 'binning.mapper');
    expect(() => mapper.assign(walkerSetFrom([[0], [NaN]]))).toThrow('binning.mapper: walker 1 has pcoord dimension 0 = NaN');
    expect(() => new MabBinMapper({ ...plain([2, 0]) })).toThrow('nbins[1] is 0, expected a positive integer');
    expect(() => new MabBinMapper({ ...plain([2]), direction: [2] })).toThrow('direction[0] is 2, expected 1, -1 or 0');
    expect(() => new MabBinMapper({ ...plain([2]), direction: [1, 1] })).toThrow('direction has 2 entries');
  });
});
