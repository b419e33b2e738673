import { bondAngle, dihedral } from './geometry.js';
import type { GoModel } from './go-model.js';

/** Scratch reused across calls: the force loop must not allocate. */
const gradient = new Float64Array(12);
const delta = new Float64Array(3);

/**
 * Potential energy (kcal/mol) of positions `x` (nAtoms × 3, Å); writes the forces −∇V (kcal/mol/Å) into `force`.
 */
export function goEnergyAndForces(model: GoModel, x: Float64Array, force: Float64Array): number {
  const p = model.parameters;
  const eps = p.epsilon;
  force.fill(0);
  let energy = 0;

  const kb = p.bondPerEpsilon * eps;
  for (let i = 0; i < model.bondLength.length; i++) {
    const r = separation(x, i, i + 1);
    const dr = r - model.bondLength[i];
    energy += kb * dr * dr;
    addPairForce(force, i, i + 1, (-2 * kb * dr) / r);
  }

  const ka = p.anglePerEpsilon * eps;
  for (let i = 0; i < model.angle.length; i++) {
    const d = bondAngle(x, i, i + 1, i + 2, gradient) - model.angle[i];
    energy += ka * d * d;
    subtractScaled(force, 3 * i, 9, 2 * ka * d);
  }

  const k1 = p.dihedral1PerEpsilon * eps;
  const k3 = p.dihedral3PerEpsilon * eps;
  for (let i = 0; i < model.dihedral.length; i++) {
    const d = dihedral(x, i, i + 1, i + 2, i + 3, gradient) - model.dihedral[i];
    energy += k1 * (1 - Math.cos(d)) + k3 * (1 - Math.cos(3 * d));
    subtractScaled(force, 3 * i, 12, k1 * Math.sin(d) + 3 * k3 * Math.sin(3 * d));
  }

  const { contactPairs, contactDistance } = model;
  for (let c = 0; c < contactDistance.length; c++) {
    const i = contactPairs[2 * c];
    const j = contactPairs[2 * c + 1];
    const r = separation(x, i, j);
    const ratio2 = (contactDistance[c] * contactDistance[c]) / (r * r);
    const s10 = ratio2 ** 5;
    const s12 = s10 * ratio2;
    energy += eps * (5 * s12 - 6 * s10);
    // dV/dr = 60 ε (s10 − s12) / r
    addPairForce(force, i, j, (60 * eps * (s12 - s10)) / (r * r));
  }

  const sigma2 = p.repulsionRadius * p.repulsionRadius;
  const pairs = model.repulsivePairs;
  for (let c = 0; c < pairs.length; c += 2) {
    const r = separation(x, pairs[c], pairs[c + 1]);
    const s12 = (sigma2 / (r * r)) ** 6;
    energy += eps * s12;
    // dV/dr = −12 ε s12 / r
    addPairForce(force, pairs[c], pairs[c + 1], (12 * eps * s12) / (r * r));
  }
  return energy;
}

/** |xi − xj|, leaving xi − xj in `delta`. */
function separation(x: Float64Array, i: number, j: number): number {
  delta[0] = x[3 * i] - x[3 * j];
  delta[1] = x[3 * i + 1] - x[3 * j + 1];
  delta[2] = x[3 * i + 2] - x[3 * j + 2];
  return Math.sqrt(delta[0] * delta[0] + delta[1] * delta[1] + delta[2] * delta[2]);
}

/** Adds scale·delta to atom i's force and subtracts it from j's; scale = −(dV/dr)/r for a central potential. */
function addPairForce(force: Float64Array, i: number, j: number, scale: number): void {
  for (let d = 0; d < 3; d++) {
    force[3 * i + d] += scale * delta[d];
    force[3 * j + d] -= scale * delta[d];
  }
}

/** force[start + k] −= factor · gradient[k]: `factor` is the term's dV/d(angle or dihedral). */
function subtractScaled(force: Float64Array, start: number, n: number, factor: number): void {
  for (let k = 0; k < n; k++) force[start + k] -= factor * gradient[k];
}
