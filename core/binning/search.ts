/**
 * How many entries of the ascending `sorted` are <= x: numpy's searchsorted(side='right'), so bin k of
 * boundaries b is b[k] <= x < b[k+1]. NaN compares false everywhere and yields 0, which callers treat as
 * "below the first boundary" and reject.
 */
export function countAtOrBelow(sorted: Float64Array, x: number, from = 0, to = sorted.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * countAtOrBelow for fixed boundaries searched millions of times. A plain binary search over 10^4 boundaries
 * costs ~14 unpredictable branches per point; instead the finite span of the boundaries is cut into equal
 * cells, each remembering the answer range for points inside it, so a point of a (near-)uniform grid is
 * placed with one multiplication and a comparison or two. The range is verified against the boundaries
 * themselves, so rounding in the cell computation, or uneven boundaries, cost speed, never correctness.
 */
export class BoundarySearch {
  private readonly origin: number;
  private readonly cellsPerUnit: number;
  private readonly cells: number;
  /** countAtOrBelow at the start of each cell, plus one past the last cell. */
  private readonly table: Uint32Array;

  constructor(readonly sorted: Float64Array) {
    let first = 0;
    while (first < sorted.length && !Number.isFinite(sorted[first])) first++;
    let last = sorted.length - 1;
    while (last >= 0 && !Number.isFinite(sorted[last])) last--;
    const span = last > first ? sorted[last] - sorted[first] : 0;
    this.cells = span > 0 && Number.isFinite(span) ? 2 * (last - first) : 0;
    this.origin = this.cells > 0 ? sorted[first] : 0;
    this.cellsPerUnit = this.cells > 0 ? this.cells / span : 0;
    this.table = new Uint32Array(this.cells + 1);
    for (let c = 0; c <= this.cells; c++) this.table[c] = countAtOrBelow(sorted, this.origin + c / this.cellsPerUnit);
  }

  count(x: number): number {
    const sorted = this.sorted;
    if (this.cells === 0) return countAtOrBelow(sorted, x);
    const position = (x - this.origin) * this.cellsPerUnit;
    // NaN fails both comparisons and lands in cell 0, whose check below sends it to the full search.
    const cell = position >= 0 ? (position < this.cells ? position | 0 : this.cells - 1) : 0;
    const lo = this.table[cell];
    const hi = this.table[cell + 1];
    if ((lo === 0 || sorted[lo - 1] <= x) && (hi === sorted.length || sorted[hi] > x)) {
      return countAtOrBelow(sorted, x, lo, hi);
    }
    return countAtOrBelow(sorted, x);
  }
}
