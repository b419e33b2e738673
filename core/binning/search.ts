/**
 * How many entries of the ascending `sorted` are <= x: numpy's searchsorted(side='right'), so bin k of
 * boundaries b is b[k] <= x < b[k+1]. NaN compares false everywhere and yields 0, which callers treat as
 * "below the first boundary" and reject.
 */
export function countAtOrBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
