/**
 * A walker's history (w_trace): from a segment back along parent ids to the initial state its trajectory started
 * from (a basis state in iteration 1, or the restart made when a walker was recycled).
 */
import { WeError } from '../errors.js';
import type { BinMapper } from '../plugins.js';
import type { RunView } from '../run-view.js';
import { Endpoint } from '../types.js';

export interface LineageStep {
  iteration: number;
  segment: number;
  weight: number;
  /** The segment's final pcoord point. */
  pcoord: number[];
  /** Bin of the final point (when bins were given). */
  bin?: number;
  endpoint: 'continues' | 'merged' | 'recycled' | 'unset';
}

export interface Lineage {
  /** Oldest first; the last step is the segment traced. */
  steps: LineageStep[];
  origin: {
    initialState: number;
    basisState: number;
    basisLabel: string;
    pcoord: number[];
    /** True when the trajectory began at a restart made by recycling (it starts after iteration 1). */
    recycled: boolean;
  };
}

const ENDPOINTS: Record<number, LineageStep['endpoint']> = {
  [Endpoint.continues]: 'continues',
  [Endpoint.merged]: 'merged',
  [Endpoint.recycled]: 'recycled',
};

export function traceLineage(view: RunView, iteration: number, segment: number, mapper?: BinMapper): Lineage {
  if (view.lastIteration < 1) throw new WeError('holds no complete iteration yet (run `we run` first)', view.source);
  if (!Number.isInteger(iteration) || iteration < 1 || iteration > view.lastIteration) {
    throw new WeError(`iteration ${iteration} is out of range: complete iterations are 1 to ${view.lastIteration}`, view.source);
  }
  const { ndim } = view.pcoord;
  const steps: LineageStep[] = [];
  let n = iteration;
  let s = segment;
  for (;;) {
    const segments = view.segments(n);
    if (!Number.isInteger(s) || s < 0 || s >= segments.n) {
      const which = n === iteration ? 'is out of range' : `(parent of the walker traced) is out of range`;
      throw new WeError(`segment ${s} of iteration ${n} ${which}: the iteration has segments 0 to ${segments.n - 1}`, view.source);
    }
    const last = view.pcoords(n, 'last');
    const pcoord = Array.from(last.subarray(s * ndim, (s + 1) * ndim));
    const step: LineageStep = { iteration: n, segment: s, weight: segments.weight[s], pcoord, endpoint: ENDPOINTS[segments.endpointType[s]] ?? 'unset' };
    if (mapper) step.bin = mapper.assign({ n: 1, ndim, points: Float64Array.from(pcoord), weights: new Float64Array([1]) })[0];
    steps.push(step);
    const parent = segments.parentId[s];
    if (parent < 0) {
      const istate = view.initialState(-(parent + 1));
      const basis = view.basisStates[istate.basisStateId];
      steps.reverse();
      return {
        steps,
        origin: {
          initialState: istate.id,
          basisState: istate.basisStateId,
          basisLabel: basis?.label ?? `#${istate.basisStateId}`,
          pcoord: Array.from(istate.pcoord),
          recycled: n > 1,
        },
      };
    }
    if (n === 1) throw new WeError(`segment ${s} of iteration 1 has parent ${parent}; expected an initial state (a negative parent id)`, view.source);
    n -= 1;
    s = parent;
  }
}
