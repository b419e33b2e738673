/**
 * The flux into each target state per iteration: the weight of the segments recycled there (WESTPA's
 * endpoint_type 3, attributed to a target by the next iteration's new_weights, as w_fluxanl reads it). With
 * recycling this is the steady-state flux, i.e. the rate per τ, once the ensemble has relaxed.
 */
import { WeError } from '../errors.js';
import type { RunView } from '../run-view.js';
import type { IterationRange } from './iteration-range.js';

export interface TargetFluxSeries {
  /** Iterations first … last. */
  iterations: Int32Array;
  targets: string[];
  /** Per target, the weight recycled into it in each iteration. */
  flux: Float64Array[];
}

export function targetFlux(view: RunView, { first, last }: IterationRange): TargetFluxSeries {
  if (view.targetStates.length === 0) {
    throw new WeError('the run has no target states, so nothing is recycled and there is no flux to analyse (kinetics needs target_states)', view.source);
  }
  const count = last - first + 1;
  const flux = view.targetStates.map(() => new Float64Array(count));
  for (let n = first; n <= last; n++) {
    const { weight, recycledInto } = view.recycling(n);
    for (let s = 0; s < weight.length; s++) if (recycledInto[s] >= 0) flux[recycledInto[s]][n - first] += weight[s];
  }
  return {
    iterations: Int32Array.from({ length: count }, (_, i) => first + i),
    targets: view.targetStates.map((t) => t.label),
    flux,
  };
}
