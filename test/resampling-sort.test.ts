import { describe, it, expect } from 'vitest';
import { Random } from '../core/random.js';
import { insertionPoint, sortSlots } from '../core/resampling/sort-slots.js';

function referenceOrder(slots: number[], key: Float64Array): number[] {
  return [...slots].sort((a, b) => key[a] - key[b] || a - b);
}

/** Key patterns resampling produces: random, many ties (split children), sorted runs, an outlier at the end. */
function keys(pattern: number, n: number, rng: Random): Float64Array {
  switch (pattern) {
    case 0:
      return Float64Array.from({ length: n }, () => rng.float());
    case 1:
      return Float64Array.from({ length: n }, () => Math.floor(rng.float() * 4));
    case 2:
      return Float64Array.from({ length: n }, (_, i) => Math.floor(i / 7));
    case 3:
      return Float64Array.from({ length: n }, (_, i) => (i === n - 1 ? -1 : 0.5));
    default:
      return Float64Array.from({ length: n }, (_, i) => n - i);
  }
}

describe('sortSlots', () => {
  it('orders slots by key then slot for every pattern and size, over a sub-range', () => {
    const rng = new Random(31);
    for (const n of [0, 1, 2, 23, 24, 25, 47, 48, 49, 100, 1000, 5000]) {
      for (let pattern = 0; pattern < 5; pattern++) {
        const key = keys(pattern, n, rng);
        // Slots in a shuffled order, placed at an offset inside a larger array.
        const slots = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(rng.float() * (i + 1));
          [slots[i], slots[j]] = [slots[j], slots[i]];
        }
        if (pattern >= 2) slots.sort((a, b) => a - b);
        const order = new Int32Array(n + 10).fill(-7);
        order.set(slots, 5);
        sortSlots(order, 5, 5 + n, key, new Int32Array(n));
        expect(Array.from(order.subarray(5, 5 + n)), `n ${n} pattern ${pattern}`).toEqual(referenceOrder(slots, key));
        expect(Array.from(order.subarray(0, 5))).toEqual([-7, -7, -7, -7, -7]);
        expect(Array.from(order.subarray(5 + n))).toEqual([-7, -7, -7, -7, -7]);
      }
    }
  });
});

describe('insertionPoint', () => {
  it('places a slot after equal keys of lower slots and before those of higher slots', () => {
    const key = Float64Array.from([0.1, 0.2, 0.2, 0.3, 0.2]);
    const order = Int32Array.from([0, 1, 2, 3]);
    expect(insertionPoint(order, 0, 4, 4, key)).toBe(3);
    const reordered = Int32Array.from([0, 1, 4, 3]);
    expect(insertionPoint(reordered, 0, 4, 2, key)).toBe(2);
    expect(insertionPoint(order, 1, 1, 4, key)).toBe(1);
  });
});
