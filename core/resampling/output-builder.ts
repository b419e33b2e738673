/** Accumulates a ResampleOutput walker by walker into typed arrays that grow only if the estimate was short. */
import type { ResampleOutput } from '../plugins.js';
import { Endpoint } from '../types.js';

export class ResampleOutputBuilder {
  private n = 0;
  private nParents = 0;
  private source: Int32Array;
  private weight: Float64Array;
  private wtgOffset: Uint32Array;
  private wtgParents: Int32Array;

  constructor(walkerCapacity: number, parentCapacity: number) {
    this.source = new Int32Array(Math.max(1, walkerCapacity));
    this.weight = new Float64Array(Math.max(1, walkerCapacity));
    this.wtgOffset = new Uint32Array(Math.max(1, walkerCapacity) + 1);
    this.wtgParents = new Int32Array(Math.max(1, parentCapacity));
  }

  /** Adds a walker continuing input `source`, whose weight-graph parents are parents[from, to). */
  push(source: number, weight: number, parents: Int32Array, from: number, to: number): void {
    if (this.n === this.source.length) this.growWalkers();
    if (this.nParents + (to - from) > this.wtgParents.length) {
      this.wtgParents = copyInto(new Int32Array(Math.max(this.nParents + (to - from), 2 * this.wtgParents.length)), this.wtgParents);
    }
    this.source[this.n] = source;
    this.weight[this.n] = weight;
    for (let q = from; q < to; q++) this.wtgParents[this.nParents++] = parents[q];
    this.wtgOffset[++this.n] = this.nParents;
  }

  /** The output, trimmed to size; `fate` of each of the nInputs walkers follows from the sources. */
  finish(nInputs: number): ResampleOutput {
    const n = this.n;
    const source = trimmed(this.source, n);
    const fate = new Uint8Array(nInputs).fill(Endpoint.merged);
    for (let j = 0; j < n; j++) fate[source[j]] = Endpoint.continues;
    return {
      n,
      source,
      weight: trimmed(this.weight, n),
      wtgOffset: trimmed(this.wtgOffset, n + 1),
      wtgParents: trimmed(this.wtgParents, this.nParents),
      fate,
    };
  }

  private growWalkers(): void {
    const size = 2 * this.source.length;
    this.source = copyInto(new Int32Array(size), this.source);
    this.weight = copyInto(new Float64Array(size), this.weight);
    this.wtgOffset = copyInto(new Uint32Array(size + 1), this.wtgOffset);
  }
}

function copyInto<T extends { set(values: ArrayLike<number>): void }>(target: T, from: ArrayLike<number>): T {
  target.set(from);
  return target;
}

/** The first n entries as an array of exactly that length (a copy only when the capacity was larger). */
function trimmed<T extends { length: number; slice(start: number, end: number): T }>(array: T, n: number): T {
  return array.length === n ? array : array.slice(0, n);
}
