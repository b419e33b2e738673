/**
 * Ordering of walker slots by a numeric key, ties broken by slot number. Slots are numbered in creation order,
 * so the tie-break makes every sort (and hence every split/merge choice) deterministic. Hand-written rather
 * than Array.prototype.sort with a comparator because resampling sorts ~10^6 slots per iteration in small
 * groups, where the call overhead of a comparator dominates.
 */

const INSERTION_SORT_MAX = 24;

/** Whether slot a orders before slot b. */
function before(a: number, b: number, key: Float64Array): boolean {
  const ka = key[a];
  const kb = key[b];
  return ka < kb || (ka === kb && a < b);
}

/** Sorts order[lo, hi) ascending by key[slot], then by slot. */
export function sortSlots(order: Int32Array, lo: number, hi: number, key: Float64Array): void {
  while (hi - lo > INSERTION_SORT_MAX) {
    const p = partition(order, lo, hi, key);
    // Recurse into the smaller side so the stack stays O(log n) deep.
    if (p - lo < hi - p - 1) {
      sortSlots(order, lo, p, key);
      lo = p + 1;
    } else {
      sortSlots(order, p + 1, hi, key);
      hi = p;
    }
  }
  insertionSort(order, lo, hi, key);
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

/** Lomuto partition around the median of first, middle and last; returns the pivot's final position. */
function partition(order: Int32Array, lo: number, hi: number, key: Float64Array): number {
  const last = hi - 1;
  const mid = (lo + last) >>> 1;
  if (before(order[mid], order[lo], key)) swap(order, mid, lo);
  if (before(order[last], order[lo], key)) swap(order, last, lo);
  if (before(order[mid], order[last], key)) swap(order, mid, last);
  const pivot = order[last];
  const pivotKey = key[pivot];
  let store = lo;
  for (let i = lo; i < last; i++) {
    const s = order[i];
    const k = key[s];
    if (k < pivotKey || (k === pivotKey && s < pivot)) {
      order[i] = order[store];
      order[store++] = s;
    }
  }
  order[last] = order[store];
  order[store] = pivot;
  return store;
}

function swap(order: Int32Array, i: number, j: number): void {
  const t = order[i];
  order[i] = order[j];
  order[j] = t;
}

/**
 * Inserts `slot` into the sorted order[lo, hi), shifting later entries right by one (order must have room at
 * hi). Returns the new end.
 */
export function insertSlot(order: Int32Array, lo: number, hi: number, slot: number, key: Float64Array): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (before(order[mid], slot, key)) a = mid + 1;
    else b = mid;
  }
  order.copyWithin(a + 1, a, hi);
  order[a] = slot;
  return hi + 1;
}
