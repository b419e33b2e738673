import { describe, expect, it } from 'vitest';
import { readCaStructure } from '../plugins/engines/go-model/ca-structure.js';
import { goEnergyAndForces } from '../plugins/engines/go-model/go-forces.js';
import { FoldingTracker } from '../plugins/engines/go-model/folding-tracker.js';
import { buildGoModel, CLEMENTI_PARAMETERS, nativeContactFraction, type GoModel } from '../plugins/engines/go-model/go-model.js';
import { LangevinIntegrator } from '../plugins/engines/go-model/langevin.js';
import { kineticTemperature, startState, type MdState } from '../plugins/engines/go-model/md-state.js';
import { ACCELERATION_PER_FORCE } from '../plugins/engines/go-model/units.js';
import { Random } from '../core/random.js';
import { structure } from './helpers/structures.js';

const NATIVE = structure('CLN025_5AWL_protein.pdb');
const UNFOLDED = structure('CLN025-0-c-alpha.pdb');

const native = await readCaStructure(NATIVE);
const unfolded = await readCaStructure(UNFOLDED);
const model = buildGoModel(native.positions);

function energy(m: GoModel, x: Float64Array): number {
  return goEnergyAndForces(m, x, new Float64Array(x.length));
}

function maxForceError(m: GoModel, x: Float64Array): { error: number; largest: number } {
  const force = new Float64Array(x.length);
  goEnergyAndForces(m, x, force);
  const h = 1e-5;
  let error = 0;
  for (let k = 0; k < x.length; k++) {
    const plus = Float64Array.from(x);
    const minus = Float64Array.from(x);
    plus[k] += h;
    minus[k] -= h;
    const numeric = -(energy(m, plus) - energy(m, minus)) / (2 * h);
    error = Math.max(error, Math.abs(numeric - force[k]) / Math.max(1, Math.abs(force[k])));
  }
  return { error, largest: Math.max(...Array.from(force, Math.abs)) };
}

describe('C-alpha Go model of chignolin', () => {
  it('takes its terms from the native structure: 10 CA, 10 native contacts, minimum energy −ε per contact', () => {
    expect(native.nAtoms).toBe(10);
    expect(model.bondLength.length).toBe(9);
    expect(model.angle.length).toBe(8);
    expect(model.dihedral.length).toBe(7);
    expect(model.contactDistance.length).toBe(10);
    expect(model.contactPairs.length / 2 + model.repulsivePairs.length / 2).toBe(21); // pairs with |i − j| >= 4
    for (let c = 0; c < model.contactDistance.length; c++) {
      expect(model.contactPairs[2 * c + 1] - model.contactPairs[2 * c]).toBeGreaterThanOrEqual(4);
      expect(model.contactDistance[c]).toBeLessThan(8);
    }
    const eps = CLEMENTI_PARAMETERS.epsilon;
    // Bonded terms vanish at the native geometry; non-native pairs there are >= 8 Å apart, where (4/r)^12 is tiny.
    expect(energy(model, native.positions)).toBeCloseTo(-10 * eps, 2);
    expect(nativeContactFraction(model, native.positions)).toBe(1);
    expect(nativeContactFraction(model, unfolded.positions)).toBeLessThan(0.3);
    expect(energy(model, unfolded.positions)).toBeGreaterThan(energy(model, native.positions));
  });

  it('has analytic forces equal to finite differences of its energy', () => {
    const random = new Random(11);
    const jiggled = Float64Array.from(native.positions, (x) => x + 0.4 * random.normal());
    for (const x of [unfolded.positions, jiggled]) {
      const { error, largest } = maxForceError(model, x);
      expect(largest).toBeGreaterThan(1);
      expect(error).toBeLessThan(1e-6);
    }
    // A wide repulsion radius makes the non-native term large enough for its gradient to be checked too.
    const repulsive = buildGoModel(native.positions, { ...CLEMENTI_PARAMETERS, repulsionRadius: 7 });
    const { error, largest } = maxForceError(repulsive, unfolded.positions);
    expect(largest).toBeGreaterThan(1);
    expect(error).toBeLessThan(1e-6);
  });

  it('conserves energy without friction, with the error falling as the step squared (velocity Verlet)', () => {
    const drift = (timestep: number) => {
      const state = startState(native.positions, 300, model.parameters.mass, 3);
      const integrator = new LangevinIntegrator(model, { temperature: 300, friction: 0, timestep });
      const total = () => {
        let kinetic = 0;
        for (const v of state.velocities) kinetic += (0.5 * model.parameters.mass * v * v) / ACCELERATION_PER_FORCE;
        return integrator.potentialEnergy + kinetic;
      };
      integrator.run(state, 0);
      const initial = total();
      let worst = 0;
      const steps = Math.round(2 / timestep);
      for (let s = 0; s < steps; s += 10) {
        integrator.run(state, 10);
        worst = Math.max(worst, Math.abs(total() - initial));
      }
      return worst;
    };
    const coarse = drift(0.002);
    const fine = drift(0.001);
    expect(coarse).toBeLessThan(0.05); // kcal/mol, against kT ≈ 0.6 per degree of freedom pair
    expect(coarse / fine).toBeGreaterThan(3);
    expect(coarse / fine).toBeLessThan(5);
  });

  it('thermalises to the target temperature', () => {
    for (const target of [250, 400]) {
      const state = startState(unfolded.positions, 50, model.parameters.mass, 5);
      const integrator = new LangevinIntegrator(model, { temperature: target, friction: 5, timestep: 0.005 });
      integrator.run(state, 1000);
      let sum = 0;
      const samples = 4000;
      for (let s = 0; s < samples; s++) {
        integrator.run(state, 5);
        sum += kineticTemperature(state.velocities, model.parameters.mass);
      }
      expect(Math.abs(sum / samples - target) / target).toBeLessThan(0.03);
    }
  });

  it('folds and unfolds reversibly at 300 K within a few hundred ps', () => {
    const state = startState(native.positions, 300, model.parameters.mass, 9);
    const integrator = new LangevinIntegrator(model, { temperature: 300, friction: 1, timestep: 0.005 });
    const tracker = new FoldingTracker(model, true);
    for (let s = 0; s < 60_000; s += 20) {
      integrator.run(state, 20);
      tracker.observe(state.positions);
    }
    expect(tracker.events).toBeGreaterThanOrEqual(4);
    expect(tracker.foldedFraction).toBeGreaterThan(0.2);
    expect(tracker.foldedFraction).toBeLessThan(0.9);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const run = (seed: number): MdState => {
      const state = startState(unfolded.positions, 300, model.parameters.mass, seed);
      new LangevinIntegrator(model, { temperature: 300, friction: 1, timestep: 0.005 }).run(state, 500);
      return state;
    };
    const a = run(42);
    const b = run(42);
    const c = run(43);
    expect(b.positions).toEqual(a.positions);
    expect(b.velocities).toEqual(a.velocities);
    expect(c.positions).not.toEqual(a.positions);
  });

  it('continues bit for bit when a run is split, even across integrator instances', () => {
    const settings = { temperature: 300, friction: 1, timestep: 0.005 };
    const whole = startState(unfolded.positions, 300, model.parameters.mass, 77);
    new LangevinIntegrator(model, settings).run(whole, 600);
    const split = startState(unfolded.positions, 300, model.parameters.mass, 77);
    new LangevinIntegrator(model, settings).run(split, 250);
    const resumed: MdState = { ...split, positions: Float64Array.from(split.positions), velocities: Float64Array.from(split.velocities) };
    new LangevinIntegrator(buildGoModel(native.positions), settings).run(resumed, 350);
    expect(resumed.step).toBe(600);
    expect(Array.from(resumed.positions)).toEqual(Array.from(whole.positions));
    expect(Array.from(resumed.velocities)).toEqual(Array.from(whole.velocities));
    expect(resumed.timePs).toBe(whole.timePs);
  });
});
