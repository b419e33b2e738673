/**
 * A RunView that keeps what it has read, for callers that run several analyses over the same iterations (all the
 * figures of a run: the histograms, the flux, the bins, the haMSM): segments (tens of bytes a walker) and the
 * first or last pcoord rows (one point a walker) are read from the file once. Whole pcoords are not kept: the
 * histograms read them in two passes (probabilityDistributions), and keeping every iteration's (176 MB for 200 ×
 * 10,000 walkers × 11 × 2 float32) cost more in garbage collection than reading them again; those reads go
 * straight to the file with the caller's `reuse` buffer. Kept arrays are never a caller's buffer, so a later read
 * cannot overwrite them.
 */
import type { IterationSegments, RunView } from '../run-view.js';
import type { PcoordArray } from '../types.js';

export function cachedRunView(view: RunView): RunView {
  const segments = new Map<number, IterationSegments>();
  const rows = new Map<string, PcoordArray>();
  const segmentsOf = (n: number): IterationSegments => {
    let s = segments.get(n);
    if (!s) segments.set(n, (s = view.segments(n)));
    return s;
  };
  return {
    source: view.source,
    lastIteration: view.lastIteration,
    pcoord: view.pcoord,
    basisStates: view.basisStates,
    targetStates: view.targetStates,
    segments: segmentsOf,
    // the figures that need the flux need the segments too: read them once, in full
    recycling: segmentsOf,
    pcoords(n, which, reuse) {
      if (which === 'all') return view.pcoords(n, which, reuse);
      const key = `${n}:${which}`;
      let kept = rows.get(key);
      if (!kept) rows.set(key, (kept = view.pcoords(n, which)));
      return kept;
    },
    weights(n) {
      return segments.get(n)?.weight ?? view.weights(n);
    },
    initialState: (id) => view.initialState(id),
    timings: () => view.timings(),
    close: () => view.close(),
  };
}
