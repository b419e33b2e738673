import { WeError } from '../errors.js';
import type { WalkerSet } from '../types.js';

/** Bin indices are Uint32; the all-ones value is kept free so a bin count always fits. */
export const MAX_BINS = 0xffffffff;

/** Rejects a walker set whose shape does not match the mapper, before any hot loop indexes into it. */
export function checkWalkers(walkers: WalkerSet, ndim: number, where: string): void {
  if (walkers.ndim !== ndim) {
    throw new WeError(`walkers have ${walkers.ndim}-dimensional points, expected ${ndim} (the mapper's ndim)`, where);
  }
  if (walkers.points.length !== walkers.n * ndim) {
    throw new WeError(`walkers.points has ${walkers.points.length} values, expected n × ndim = ${walkers.n * ndim}`, where);
  }
  if (walkers.weights.length !== walkers.n) {
    throw new WeError(`walkers.weights has ${walkers.weights.length} values, expected n = ${walkers.n}`, where);
  }
}

/** The caller's output buffer (trimmed to n) or a fresh one. */
export function outputFor(out: Uint32Array | undefined, n: number, where: string): Uint32Array {
  if (out === undefined) return new Uint32Array(n);
  if (out.length < n) throw new WeError(`output buffer holds ${out.length} bins, expected at least ${n}`, where);
  return out.length === n ? out : out.subarray(0, n);
}

/** The walkers listed in indices[start, end), copied into a compact WalkerSet. */
export function subsetWalkers(walkers: WalkerSet, indices: Uint32Array, start: number, end: number): WalkerSet {
  const ndim = walkers.ndim;
  const n = end - start;
  const points = new Float64Array(n * ndim);
  const weights = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[start + k];
    weights[k] = walkers.weights[i];
    for (let d = 0; d < ndim; d++) points[k * ndim + d] = walkers.points[i * ndim + d];
  }
  return { n, ndim, points, weights };
}

/** A WalkerSet from plain rows (configuration points, tests); weights default to equal shares. */
export function walkerSetFrom(rows: number[][], weights?: number[]): WalkerSet {
  const ndim = rows.length > 0 ? rows[0].length : 0;
  return {
    n: rows.length,
    ndim,
    points: Float64Array.from(rows.flat()),
    weights: Float64Array.from(weights ?? rows.map(() => 1 / rows.length)),
  };
}
