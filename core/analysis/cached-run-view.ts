/**
 * A RunView that keeps what it has read, for callers that run several analyses over the same iterations (all the
 * figures of a run: three histograms, the flux, the bins, the haMSM): each iteration is then read from the file
 * once. Segments are always kept (tens of bytes a walker); pcoords up to a byte budget, and the first or last
 * points of an iteration whose full pcoord is kept are taken from it. Callers' `reuse` buffers are not used:
 * what is kept must not be overwritten by a later read.
 */
import type { IterationSegments, PcoordRows, RunView } from '../run-view.js';
import type { PcoordArray } from '../types.js';

const DEFAULT_PCOORD_BYTES = 1 << 30;

function rowsOf(all: PcoordArray, len: number, ndim: number, rows: readonly number[]): PcoordArray {
  const count = all.length / (len * ndim);
  const out = all instanceof Float32Array ? new Float32Array(count * rows.length * ndim) : new Float64Array(count * rows.length * ndim);
  for (let s = 0; s < count; s++) {
    rows.forEach((r, k) => out.set(all.subarray((s * len + r) * ndim, (s * len + r + 1) * ndim), (s * rows.length + k) * ndim));
  }
  return out;
}

export function cachedRunView(view: RunView, pcoordBytes = DEFAULT_PCOORD_BYTES): RunView {
  const segments = new Map<number, IterationSegments>();
  const pcoords = new Map<string, PcoordArray>();
  let kept = 0;
  const { len, ndim } = view.pcoord;
  const derived: Record<Exclude<PcoordRows, 'all'>, number[]> = { first: [0], last: [len - 1] };
  return {
    source: view.source,
    lastIteration: view.lastIteration,
    pcoord: view.pcoord,
    basisStates: view.basisStates,
    targetStates: view.targetStates,
    segments(n) {
      let s = segments.get(n);
      if (!s) segments.set(n, (s = view.segments(n)));
      return s;
    },
    pcoords(n, rows) {
      const key = `${n}:${rows}`;
      const hit = pcoords.get(key);
      if (hit) return hit;
      const all = pcoords.get(`${n}:all`);
      if (all && rows !== 'all') return rowsOf(all, len, ndim, derived[rows]);
      const read = view.pcoords(n, rows);
      if (kept + read.byteLength <= pcoordBytes) {
        pcoords.set(key, read);
        kept += read.byteLength;
      }
      return read;
    },
    weights(n) {
      return segments.get(n)?.weight ?? view.weights(n);
    },
    initialState: (id) => view.initialState(id),
    timings: () => view.timings(),
    close: () => view.close(),
  };
}
