import { WeError } from '../../../core/errors.js';
import type { LangevinIntegrator } from './langevin.js';
import type { MdState } from './md-state.js';

/**
 * A segment's frames: `frames` times, integrate `stepsPerFrame` steps of `state` in place and hand the frame to
 * `onFrame` (its index). Shared by we-go-md, the in-process propagator and the brute-force yardstick, so all
 * three produce the same trajectory from the same state. A blown-up integration fails the segment rather than
 * handing NaNs to the progress coordinate.
 */
export function integrateFrames(
  integrator: LangevinIntegrator,
  state: MdState,
  frames: number,
  stepsPerFrame: number,
  onFrame: (frame: number) => void,
): void {
  for (let f = 0; f < frames; f++) {
    integrator.run(state, stepsPerFrame);
    if (!state.positions.every(Number.isFinite)) {
      throw new WeError(
        `positions became non-finite by step ${state.step}; expected a stable integration (try a time step smaller than ${integrator.settings.timestep} ps)`,
      );
    }
    onFrame(f);
  }
}
