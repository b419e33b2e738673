import { describe, it, expect } from 'vitest';
import { WeError } from '../core/errors.js';
import type { ResampleInput, ResampleOutput } from '../core/plugins.js';
import { Random } from '../core/random.js';
import { BinResampler } from '../core/resampling/bin-resampler.js';
import { checkResampled, compensatedSum } from '../core/resampling/weight-checks.js';
import { Endpoint } from '../core/types.js';

describe('compensatedSum', () => {
  it('recovers what plain summation loses', () => {
    const values = Float64Array.from([1, 1e100, 1, -1e100]);
    expect(values.reduce((a, b) => a + b, 0)).toBe(0);
    expect(compensatedSum(values)).toBe(2);
    const tenths = new Float64Array(10).fill(0.1);
    expect(tenths.reduce((a, b) => a + b, 0)).not.toBe(1);
    expect(compensatedSum(tenths)).toBe(1);
  });

  it('sums only values[start, end)', () => {
    const values = Float64Array.from([100, 1, 2, 3, 100]);
    expect(compensatedSum(values, 1, 4)).toBe(6);
    expect(compensatedSum(values, 2)).toBe(105);
    expect(compensatedSum(values, 3, 3)).toBe(0);
  });
});

/** Two bins of target 4 holding 3 and 5 walkers: a valid resampling to tamper with. */
function validCase(): { input: ResampleInput; output: ResampleOutput } {
  const weights = Float64Array.from([0.1, 0.2, 0.1, 0.05, 0.15, 0.1, 0.2, 0.1]);
  const input: ResampleInput = {
    walkers: { n: 8, ndim: 1, points: new Float64Array(8), weights },
    bins: Uint32Array.from([0, 0, 0, 1, 1, 1, 1, 1]),
    nbins: 2,
    targetCounts: Uint32Array.from([4, 4]),
    smallestAllowedWeight: 1e-310,
    largestAllowedWeight: 1,
  };
  return { input, output: new BinResampler().resample(input, new Random(1)) };
}

function copy(output: ResampleOutput): ResampleOutput {
  return {
    n: output.n,
    source: output.source.slice(),
    weight: output.weight.slice(),
    wtgOffset: output.wtgOffset.slice(),
    wtgParents: output.wtgParents.slice(),
    fate: output.fate.slice(),
  };
}

/** The output without walker j (its weight given to walker `heir`, so total weight stays the same). */
function withoutWalker(output: ResampleOutput, j: number, heir: number): ResampleOutput {
  const keep = Array.from({ length: output.n }, (_, k) => k).filter((k) => k !== j);
  const weight = Float64Array.from(keep, (k) => output.weight[k] + (k === heir ? output.weight[j] : 0));
  const parents = keep.map((k) => {
    const own = Array.from(output.wtgParents.subarray(output.wtgOffset[k], output.wtgOffset[k + 1]));
    const inherited = k === heir ? Array.from(output.wtgParents.subarray(output.wtgOffset[j], output.wtgOffset[j + 1])) : [];
    return [...new Set([...own, ...inherited])];
  });
  const wtgOffset = new Uint32Array(keep.length + 1);
  parents.forEach((p, k) => (wtgOffset[k + 1] = wtgOffset[k] + p.length));
  const source = Int32Array.from(keep, (k) => output.source[k]);
  const fate = new Uint8Array(output.fate.length).fill(Endpoint.merged);
  for (const s of source) fate[s] = Endpoint.continues;
  return { n: keep.length, source, weight, wtgOffset, wtgParents: Int32Array.from(parents.flat()), fate };
}

describe('checkResampled', () => {
  it('accepts a real resampling', () => {
    const { input, output } = validCase();
    expect(() => checkResampled(input, output, 3)).not.toThrow();
  });

  it('rejects total weight changed by more than 1e-12, naming the iteration', () => {
    const { input, output } = validCase();
    const bad = copy(output);
    bad.weight[0] += 1e-11;
    expect(() => checkResampled(input, bad, 7)).toThrow(/iteration 7: total weight .* differs/);
    const fine = copy(output);
    fine.weight[0] += 1e-17;
    expect(() => checkResampled(input, fine, 7)).not.toThrow();
  });

  it('rejects a zero, negative or non-finite weight, naming the walker', () => {
    const { input, output } = validCase();
    for (const w of [0, -0.1, NaN, Infinity]) {
      const bad = copy(output);
      bad.weight[2] = w;
      expect(() => checkResampled(input, bad, 1)).toThrow(new RegExp(`output walker 2 \\(from input \\d+\\) has weight ${w}`));
    }
  });

  it('rejects a bin below its target when its heaviest walker could still be split', () => {
    const { input, output } = validCase();
    const first = output.source.findIndex((s) => input.bins[s] === 0);
    const bad = withoutWalker(output, first, first + 1);
    expect(() => checkResampled(input, bad, 2)).toThrow(WeError);
    expect(() => checkResampled(input, bad, 2)).toThrow(
      /iteration 2: bin 0 holds 3 walkers after resampling, expected its target count 4: its heaviest walker .* could still be split/,
    );
  });

  it('accepts that bin below its target when smallestAllowedWeight forbids the split', () => {
    const { input, output } = validCase();
    const first = output.source.findIndex((s) => input.bins[s] === 0);
    const short = withoutWalker(output, first, first + 1);
    const heaviest = Math.max(...Array.from(short.weight));
    expect(() => checkResampled({ ...input, smallestAllowedWeight: heaviest * 0.6 }, short, 2)).not.toThrow();
  });

  it('rejects a bin above its target when its two lightest walkers could still be merged', () => {
    const { input, output } = validCase();
    const bad = copy(output);
    // Split output walker 0 in two by hand: same source and lineage, half the weight each.
    const half = bad.weight[0] / 2;
    const source = Int32Array.from([bad.source[0], ...bad.source]);
    const weight = Float64Array.from([half, bad.weight[0] - half, ...Array.from(bad.weight).slice(1)]);
    const own = Array.from(bad.wtgParents.subarray(bad.wtgOffset[0], bad.wtgOffset[1]));
    const wtgParents = Int32Array.from([...own, ...bad.wtgParents]);
    const wtgOffset = Uint32Array.from([0, ...Array.from(bad.wtgOffset, (o) => o + own.length)]);
    const split = { n: bad.n + 1, source, weight, wtgOffset, wtgParents, fate: bad.fate };
    const bin = input.bins[bad.source[0]];
    expect(() => checkResampled(input, split, 4)).toThrow(
      new RegExp(`iteration 4: bin ${bin} holds 5 walkers .* target count 4: its two lightest walkers .* could still be merged`),
    );
    expect(() => checkResampled({ ...input, largestAllowedWeight: 1e-3 }, split, 4)).not.toThrow();
  });

  it('rejects broken lineage and fates', () => {
    const { input, output } = validCase();
    const outOfRange = copy(output);
    outOfRange.wtgParents[0] = 8;
    expect(() => checkResampled(input, outOfRange, 1)).toThrow(/weight-graph parent 8, expected an input index in \[0, 8\)/);

    const foreignSource = copy(output);
    foreignSource.source[0] = (foreignSource.wtgParents[0] + 1) % 8;
    expect(() => checkResampled(input, foreignSource, 1)).toThrow(/missing from its weight-graph parents|has fate/);

    const wrongFate = copy(output);
    const s = wrongFate.source[0];
    wrongFate.fate[s] = Endpoint.merged;
    expect(() => checkResampled(input, wrongFate, 1)).toThrow(new RegExp(`input walker ${s} has fate 2, expected 1`));

    const shortFate = { ...copy(output), fate: new Uint8Array(3) };
    expect(() => checkResampled(input, shortFate, 1)).toThrow(/fate has 3 entries, expected 8/);
  });

  it('rejects an input walker whose weight reaches no output walker', () => {
    const { input, output } = validCase();
    const lost = copy(output);
    // Find an output walker with a single parent that no other output lists, and point it at another input.
    const counts = new Map<number, number>();
    for (const p of lost.wtgParents) counts.set(p, (counts.get(p) ?? 0) + 1);
    const j = Array.from({ length: lost.n }, (_, k) => k).find(
      (k) => lost.wtgOffset[k + 1] - lost.wtgOffset[k] === 1 && counts.get(lost.wtgParents[lost.wtgOffset[k]]) === 1,
    );
    expect(j).toBeDefined();
    const orphan = lost.wtgParents[lost.wtgOffset[j!]];
    const other = lost.source[j === 0 ? 1 : 0];
    lost.wtgParents[lost.wtgOffset[j!]] = other;
    lost.source[j!] = other;
    expect(() => checkResampled(input, lost, 1)).toThrow(new RegExp(`input walker ${orphan} .* passes its weight to no output walker`));
  });
});
