import { Random } from '../../../core/random.js';
import { ACCELERATION_PER_FORCE, BOLTZMANN_KCAL } from './units.js';

/** Everything a segment needs to continue exactly where its parent stopped. */
export interface MdState {
  /** nAtoms × 3, Å. */
  positions: Float64Array;
  /** nAtoms × 3, Å/ps. */
  velocities: Float64Array;
  /** Steps taken since the trajectory began; the noise of step k comes from stream (seed, k + 1). */
  step: number;
  /** Simulated time since the trajectory began, ps. */
  timePs: number;
  /** Seed of the random streams; a child segment that keeps it continues its parent's noise sequence. */
  seed: number;
}

/** Velocity scale √(kT/m) in Å/ps for beads of `mass` amu at `temperature` K. */
export function thermalSpeed(temperature: number, mass: number): number {
  return Math.sqrt((BOLTZMANN_KCAL * temperature * ACCELERATION_PER_FORCE) / mass);
}

/** A state at `positions` with Maxwell–Boltzmann velocities drawn from stream (seed, 0). */
export function startState(positions: Float64Array, temperature: number, mass: number, seed: number): MdState {
  const random = new Random(seed, 0);
  const sigma = thermalSpeed(temperature, mass);
  const velocities = Float64Array.from(positions, () => sigma * random.normal());
  return { positions: Float64Array.from(positions), velocities, step: 0, timePs: 0, seed };
}

/** Instantaneous kinetic temperature, K, over 3N degrees of freedom (Langevin dynamics conserves no momentum). */
export function kineticTemperature(velocities: Float64Array, mass: number): number {
  let sum = 0;
  for (let k = 0; k < velocities.length; k++) sum += velocities[k] * velocities[k];
  return (mass * sum) / ACCELERATION_PER_FORCE / (velocities.length * BOLTZMANN_KCAL);
}
