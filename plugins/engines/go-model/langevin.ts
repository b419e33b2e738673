import { Random } from '../../../core/random.js';
import { goEnergyAndForces } from './go-forces.js';
import type { GoModel } from './go-model.js';
import { thermalSpeed, type MdState } from './md-state.js';
import { ACCELERATION_PER_FORCE } from './units.js';

export interface LangevinSettings {
  /** K. */
  temperature: number;
  /** Collision rate γ, 1/ps; 0 gives velocity Verlet (NVE). */
  friction: number;
  /** ps. */
  timestep: number;
}

/**
 * Langevin dynamics by BAOAB splitting (Leimkuhler & Matthews 2013): half kick, half drift, exact
 * Ornstein–Uhlenbeck velocity update, half drift, force, half kick. Its configurational sampling error is
 * small at large steps, which matters more than kinetic accuracy for a progress coordinate built on positions.
 * The force at the current positions is recomputed on entry, so a run split at any step continues bit for bit.
 */
export class LangevinIntegrator {
  private readonly force: Float64Array;
  private readonly accelerationScale: number;
  private readonly keep: number;
  private readonly noise: number;
  /** Potential energy at the current positions, kcal/mol. */
  potentialEnergy = NaN;

  constructor(
    private readonly model: GoModel,
    readonly settings: LangevinSettings,
  ) {
    this.force = new Float64Array(3 * model.nAtoms);
    const { mass } = model.parameters;
    this.accelerationScale = ACCELERATION_PER_FORCE / mass;
    this.keep = Math.exp(-settings.friction * settings.timestep);
    this.noise = Math.sqrt(1 - this.keep * this.keep) * thermalSpeed(settings.temperature, mass);
  }

  /** Advances `state` in place by `steps` steps. */
  run(state: MdState, steps: number): void {
    const { positions: x, velocities: v } = state;
    const half = this.settings.timestep / 2;
    const kick = half * this.accelerationScale;
    const f = this.force;
    this.potentialEnergy = goEnergyAndForces(this.model, x, f);
    for (let s = 0; s < steps; s++) {
      const random = new Random(state.seed, state.step + 1);
      for (let k = 0; k < x.length; k++) {
        v[k] += kick * f[k];
        x[k] += half * v[k];
        v[k] = this.keep * v[k] + this.noise * random.normal();
        x[k] += half * v[k];
      }
      this.potentialEnergy = goEnergyAndForces(this.model, x, f);
      for (let k = 0; k < x.length; k++) v[k] += kick * f[k];
      state.step++;
      state.timePs += this.settings.timestep;
    }
  }
}
