/**
 * The walkers of one bin while it is being resampled, as struct-of-arrays "slots" reused from bin to bin so a
 * million walkers make no per-walker objects. A slot is an input walker or a walker made by a split or merge;
 * slots are numbered in creation order, which is the deterministic tie-break of every sort. The live walkers
 * are order[head, tail), kept sorted by (weight, slot) once the split-by-weight pass has placed them. `order`
 * has twice the slot capacity: a bin of n inputs starts at n, and tail only grows when a new slot is placed,
 * so tail <= n + slots always fits.
 *
 * Each slot's weight-graph parents (input indices, sorted, distinct) live in `pool` at
 * [linOff, linOff + linLen): split children share their parent's list, a merge writes the union.
 */
import type { Random } from '../random.js';
import { insertionPoint, sortSlots } from './sort-slots.js';
import { compensatedSum } from './weight-checks.js';
import type { ResampleOutputBuilder } from './output-builder.js';

/** Lineage unions up to this long are sorted in place by insertion, sparing a subarray and a native sort. */
const SMALL_LIST = 16;

export class BinWorkspace {
  weight = new Float64Array(1024);
  /** Input walker each slot continues. */
  source = new Int32Array(1024);
  linOff = new Int32Array(1024);
  linLen = new Int32Array(1024);
  order = new Int32Array(2048);
  private sortScratch = new Int32Array(1024);
  head = 0;
  tail = 0;
  private slots = 0;
  private pool = new Int32Array(4096);
  private poolTop = 0;
  private members = new Float64Array(64);
  private live = new Uint8Array(1024);

  get count(): number {
    return this.tail - this.head;
  }

  /**
   * Starts a bin: slots 0..n-1 become the input walkers indices[from, to), of weights weights[from, to), none
   * of them live yet (see place).
   */
  loadInputs(indices: Int32Array, weights: Float64Array, from: number, to: number): void {
    const n = to - from;
    this.slots = 0;
    this.poolTop = 0;
    this.reserveSlots(n);
    // Live walkers start n entries in, leaving room for insertions to shift the light end leftwards.
    this.head = n;
    this.tail = n;
    this.reservePool(n);
    for (let s = 0; s < n; s++) {
      const index = indices[from + s];
      this.weight[s] = weights[from + s];
      this.source[s] = index;
      this.linOff[s] = s;
      this.linLen[s] = 1;
      this.pool[s] = index;
    }
    this.slots = n;
    this.poolTop = n;
  }

  /** Appends `slot` to the live walkers without keeping them sorted (before the first sort()). */
  place(slot: number): void {
    this.order[this.tail++] = slot;
  }

  sort(): void {
    sortSlots(this.order, this.head, this.tail, this.weight, this.sortScratch);
  }

  /**
   * Inserts `slot` into the sorted live walkers, shifting whichever side of its place is shorter: merges free
   * room before head and their results belong near the light end, so large bins avoid O(n) moves per merge.
   */
  insert(slot: number): void {
    const order = this.order;
    const p = insertionPoint(order, this.head, this.tail, slot, this.weight);
    if (this.head > 0 && p - this.head < this.tail - p) {
      order.copyWithin(this.head - 1, this.head, p);
      this.head--;
      order[p - 1] = slot;
    } else {
      order.copyWithin(p + 1, p, this.tail);
      this.tail++;
      order[p] = slot;
    }
  }

  /** Weight of the k-th lightest live walker. */
  weightAt(k: number): number {
    return this.weight[this.order[this.head + k]];
  }

  /**
   * Makes m children of `slot`, each continuing its state and weight-graph parents, and returns the first
   * (they are consecutive slots). Their weights sum back to the parent's: the last child takes what the
   * others leave, which for m >= 2 is an exact subtraction (Sterbenz), so only (m-1)·w/m is ever rounded.
   */
  split(slot: number, m: number): number {
    this.reserveSlots(m);
    const w = this.weight[slot];
    const child = w / m;
    const first = this.slots;
    for (let c = 0; c < m; c++) {
      const s = this.slots++;
      this.weight[s] = c < m - 1 ? child : w - (m - 1) * child;
      this.source[s] = this.source[slot];
      this.linOff[s] = this.linOff[slot];
      this.linLen[s] = this.linLen[slot];
    }
    return first;
  }

  /** Replaces the live walker at order[p] with m children of it; the children after the first go at the tail. */
  replaceWithChildren(p: number, m: number): void {
    const first = this.split(this.order[p], m);
    this.order[p] = first;
    for (let c = 1; c < m; c++) this.place(first + c);
  }

  /**
   * Merges the k lightest live walkers into one new walker, which is inserted in order. Its weight is their
   * compensated sum; the member whose state it continues is drawn with probability proportional to weight
   * (a uniform draw located among the members' cumulative weights, lightest first, as WESTPA does).
   */
  mergeLightest(k: number, rng: Random): void {
    if (this.members.length < k) this.members = new Float64Array(Math.max(k, 2 * this.members.length));
    const members = this.members;
    let cumulative = 0;
    let parents = 0;
    for (let i = 0; i < k; i++) {
      const s = this.order[this.head + i];
      members[i] = this.weight[s];
      cumulative += members[i];
      parents += this.linLen[s];
    }
    const u = rng.float() * cumulative;
    let chosen = k - 1;
    let running = 0;
    for (let i = 0; i < k; i++) {
      running += members[i];
      if (u < running) {
        chosen = i;
        break;
      }
    }
    this.reserveSlots(1);
    this.reservePool(parents);
    const s = this.slots++;
    this.weight[s] = compensatedSum(members, 0, k);
    this.source[s] = this.source[this.order[this.head + chosen]];
    this.unionLineage(s, k);
    this.head += k;
    this.insert(s);
  }

  /**
   * Hands the live walkers to `out` in creation order (surviving inputs by input index, then the walkers made
   * by splits and merges in the order they were made): deterministic, and a linear pass rather than a sort.
   */
  emit(out: ResampleOutputBuilder): void {
    this.reserveLive();
    const live = this.live;
    live.fill(0, 0, this.slots);
    for (let p = this.head; p < this.tail; p++) live[this.order[p]] = 1;
    for (let s = 0; s < this.slots; s++) {
      if (live[s]) out.push(this.source[s], this.weight[s], this.pool, this.linOff[s], this.linOff[s] + this.linLen[s]);
    }
  }

  /** Weight-graph parents of new slot s: the distinct union of those of the k lightest live walkers. */
  private unionLineage(s: number, k: number): void {
    const pool = this.pool;
    const start = this.poolTop;
    let top = start;
    for (let i = 0; i < k; i++) {
      const m = this.order[this.head + i];
      const off = this.linOff[m];
      const end = off + this.linLen[m];
      for (let q = off; q < end; q++) pool[top++] = pool[q];
    }
    if (top - start <= SMALL_LIST) insertionSort(pool, start, top);
    else pool.subarray(start, top).sort();
    let unique = start;
    for (let q = start; q < top; q++) {
      if (q === start || pool[q] !== pool[unique - 1]) pool[unique++] = pool[q];
    }
    this.linOff[s] = start;
    this.linLen[s] = unique - start;
    this.poolTop = unique;
  }

  private reserveSlots(extra: number): void {
    const needed = this.slots + extra;
    if (needed <= this.weight.length) return;
    const size = Math.max(needed, 2 * this.weight.length);
    this.weight = grown(this.weight, size);
    this.source = grown(this.source, size);
    this.linOff = grown(this.linOff, size);
    this.linLen = grown(this.linLen, size);
    this.order = grown(this.order, 2 * size);
    this.sortScratch = new Int32Array(size);
  }

  private reserveLive(): void {
    if (this.live.length < this.slots) this.live = new Uint8Array(Math.max(this.slots, 2 * this.live.length));
  }

  private reservePool(extra: number): void {
    const needed = this.poolTop + extra;
    if (needed > this.pool.length) this.pool = grown(this.pool, Math.max(needed, 2 * this.pool.length));
  }
}

function grown<T extends Float64Array | Int32Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array);
  return bigger;
}

function insertionSort(values: Int32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const v = values[i];
    let j = i - 1;
    while (j >= lo && values[j] > v) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = v;
  }
}
