/**
 * Ordering of walker slots by a numeric key, ties broken by slot number. Slots are numbered in creation order,
 * so the tie-break makes every sort (and hence every split/merge choice) deterministic. Hand-written rather
 * than Array.prototype.sort with a comparator because resampling sorts ~10^6 slots per iteration in small
 * groups, where the call overhead of a comparator dominates.
 */

/** Runs sorted by insertion before merging; short enough that insertion sort beats merging them. */
const RUN = 24;

/** Whether slot a orders before slot b. */
function before(a: number, b: number, key: Float64Array): boolean {
  const ka = key[a];
  const kb = key[b];
  return ka < kb || (ka === kb && a < b);
}

/**
 * Sorts order[lo, hi) ascending by key[slot], then by slot. A bottom-up merge sort: O(n log n) whatever the
 * input (split children arrive as long runs of equal weights that trip up quicksort pivots), and close to
 * linear on the nearly sorted input that splits produce. `scratch` must hold hi - lo entries.
 */
export function sortSlots(order: Int32Array, lo: number, hi: number, key: Float64Array, scratch: Int32Array): void {
  const n = hi - lo;
  for (let a = lo; a < hi; a += RUN) insertionSort(order, a, Math.min(a + RUN, hi), key);
  if (n <= RUN) return;
  let src = order;
  let srcOff = lo;
  let dst = scratch;
  let dstOff = 0;
  for (let width = RUN; width < n; width *= 2) {
    for (let a = 0; a < n; a += 2 * width) {
      mergeRuns(src, srcOff, a, Math.min(a + width, n), Math.min(a + 2 * width, n), dst, dstOff, key);
    }
    [src, dst] = [dst, src];
    [srcOff, dstOff] = [dstOff, srcOff];
  }
  if (src !== order) order.set(src.subarray(srcOff, srcOff + n), lo);
}

function insertionSort(order: Int32Array, lo: number, hi: number, key: Float64Array): void {
  for (let i = lo + 1; i < hi; i++) {
    const s = order[i];
    const k = key[s];
    let j = i - 1;
    for (; j >= lo; j--) {
      const t = order[j];
      const kt = key[t];
      if (!(k < kt || (k === kt && s < t))) break;
      order[j + 1] = t;
    }
    order[j + 1] = s;
  }
}

/** Merges the sorted runs src[so + a, so + mid) and src[so + mid, so + end) into dst[do + a, do + end). */
function mergeRuns(
  src: Int32Array,
  so: number,
  a: number,
  mid: number,
  end: number,
  dst: Int32Array,
  dOff: number,
  key: Float64Array,
): void {
  let i = so + a;
  let j = so + mid;
  let k = dOff + a;
  const iEnd = so + mid;
  const jEnd = so + end;
  // Runs already in order (common after splits) are copied without comparisons.
  if (j < jEnd && i < iEnd && before(src[j], src[iEnd - 1], key)) {
    while (i < iEnd && j < jEnd) dst[k++] = before(src[j], src[i], key) ? src[j++] : src[i++];
  }
  while (i < iEnd) dst[k++] = src[i++];
  while (j < jEnd) dst[k++] = src[j++];
}

/** Where `slot` belongs in the sorted order[lo, hi): the index of the first entry that orders after it. */
export function insertionPoint(order: Int32Array, lo: number, hi: number, slot: number, key: Float64Array): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (before(order[mid], slot, key)) a = mid + 1;
    else b = mid;
  }
  return a;
}
