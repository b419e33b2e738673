import { describe, expect, it } from 'vitest';
import { Random } from '../core/random.js';

describe('random streams', () => {
  it('gives every (iteration, segment) its own stream', () => {
    // A regression: folding keys in almost linearly made (iteration 5, segment 3) replay (iteration 4,
    // segment 2), so lineages saw the same noise again and WE rates came out biased.
    const seen = new Set<string>();
    for (let iteration = 1; iteration <= 400; iteration++) {
      for (let segment = 0; segment < 256; segment++) {
        const r = new Random(1, iteration, 1, segment);
        seen.add(`${r.uint32()}:${r.uint32()}`);
      }
    }
    expect(seen.size).toBe(400 * 256);
    expect(new Random(1, 5, 1, 3).uint32()).not.toBe(new Random(1, 4, 1, 2).uint32());
    expect(new Random(1, 2).uint32()).not.toBe(new Random(2, 1).uint32());
    expect(new Random(7).uint32()).not.toBe(new Random(7, 0).uint32());
  });

  it('draws uncorrelated noise for neighbouring seeds, iterations and segments', () => {
    const pairs: [number[], number[]][] = [
      [[1, 10, 1], [2, 10, 1]],
      [[1, 10, 1], [1, 11, 1]],
    ];
    for (const [a, b] of pairs) {
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let segment = 0; segment < 2000; segment++) {
        const ra = new Random(...a, segment);
        const rb = new Random(...b, segment + (a[1] === b[1] ? 0 : 1));
        for (let k = 0; k < 20; k++) {
          const x = ra.normal();
          const y = rb.normal();
          sxy += x * y;
          sxx += x * x;
          syy += y * y;
        }
      }
      // 40,000 pairs: the correlation's standard error is 0.005.
      expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeLessThan(0.025);
    }
  });

  it('gives standard normal deviates and weight-proportional choices', () => {
    const r = new Random(3);
    let sum = 0;
    let sumSq = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      sum += x;
      sumSq += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.012); // 5 standard errors
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.016);
    const counts = [0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[r.choose([0.5, 0.3, 0.2])]++;
    expect(counts.map((c) => c / 60_000)).toEqual([
      expect.closeTo(0.5, 2),
      expect.closeTo(0.3, 2),
      expect.closeTo(0.2, 2),
    ]);
  });
});
