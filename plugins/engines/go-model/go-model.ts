import { WeError } from '../../../core/errors.js';
import { bondAngle, dihedral } from './geometry.js';

/**
 * A C-alpha structure-based (Go) model in the form of Clementi, Nymeyer & Onuchic (J. Mol. Biol. 298, 937, 2000):
 *   V = Σ_bonds Kb (r − r0)² + Σ_angles Kθ (θ − θ0)² + Σ_dihedrals K1 [1 − cos(φ − φ0)] + K3 [1 − cos 3(φ − φ0)]
 *     + Σ_native contacts ε [5 (σij/r)¹² − 6 (σij/r)¹⁰] + Σ_other pairs ε_rep (σ_rep/r)¹²
 * with every native value (r0, θ0, φ0, σij) taken from the native structure. Force constants are multiples of ε
 * as in that paper; ε alone sets the folding temperature.
 */
export interface GoParameters {
  /** Energy scale ε, kcal/mol. */
  epsilon: number;
  /** Kb / ε, 1/Å². */
  bondPerEpsilon: number;
  /** Kθ / ε, 1/rad². */
  anglePerEpsilon: number;
  /** K1 / ε and K3 / ε. */
  dihedral1PerEpsilon: number;
  dihedral3PerEpsilon: number;
  /** CA pairs closer than this in the native structure (and |i − j| > minSeparation − 1) are native contacts, Å. */
  contactCutoff: number;
  /** Smallest sequence separation |i − j| of a non-bonded pair. */
  minSeparation: number;
  /** Non-native repulsion radius σ_rep, Å; its strength is ε. */
  repulsionRadius: number;
  /** Mass of every bead, amu (an average residue). */
  mass: number;
}

/**
 * ε = 0.8 kcal/mol puts chignolin's Go model (10 CA, 10 native contacts) at its folding midpoint near 300 K:
 * with γ = 1/ps and a 5 fs step, Q >= 0.7 about half the time and the chain folds or unfolds every ~20 ps
 * (bench/go-model.ts prints the folded fraction per temperature).
 */
export const CLEMENTI_PARAMETERS: GoParameters = {
  epsilon: 0.8,
  bondPerEpsilon: 100,
  anglePerEpsilon: 20,
  dihedral1PerEpsilon: 1,
  dihedral3PerEpsilon: 0.5,
  contactCutoff: 8,
  minSeparation: 4,
  repulsionRadius: 4,
  mass: 110,
};

/** Interaction lists and their native values, in flat typed arrays for the force loop. */
export interface GoModel {
  nAtoms: number;
  parameters: GoParameters;
  /** Pairs (i, i+1) with native lengths. */
  bondLength: Float64Array;
  /** Triples (i, i+1, i+2) with native angles. */
  angle: Float64Array;
  /** Quadruples (i, …, i+3) with native dihedrals. */
  dihedral: Float64Array;
  /** Native contact pairs (2 entries each) and their native distances σij. */
  contactPairs: Int32Array;
  contactDistance: Float64Array;
  /** Every other pair with |i − j| >= minSeparation: repelled. */
  repulsivePairs: Int32Array;
}

export function buildGoModel(native: Float64Array, parameters: GoParameters = CLEMENTI_PARAMETERS): GoModel {
  const nAtoms = native.length / 3;
  if (!Number.isInteger(nAtoms) || nAtoms < 4) {
    throw new WeError(`native structure has ${native.length} coordinates, expected 3 per atom and at least 4 atoms`);
  }
  const bondLength = new Float64Array(nAtoms - 1);
  for (let i = 0; i + 1 < nAtoms; i++) bondLength[i] = distance(native, i, i + 1);
  const angle = new Float64Array(nAtoms - 2);
  for (let i = 0; i + 2 < nAtoms; i++) angle[i] = bondAngle(native, i, i + 1, i + 2);
  const dihedralValues = new Float64Array(nAtoms - 3);
  for (let i = 0; i + 3 < nAtoms; i++) dihedralValues[i] = dihedral(native, i, i + 1, i + 2, i + 3);

  const contacts: number[] = [];
  const contactDistance: number[] = [];
  const repulsive: number[] = [];
  for (let i = 0; i < nAtoms; i++) {
    for (let j = i + parameters.minSeparation; j < nAtoms; j++) {
      const r = distance(native, i, j);
      if (r < parameters.contactCutoff) {
        contacts.push(i, j);
        contactDistance.push(r);
      } else {
        repulsive.push(i, j);
      }
    }
  }
  return {
    nAtoms,
    parameters,
    bondLength,
    angle,
    dihedral: dihedralValues,
    contactPairs: Int32Array.from(contacts),
    contactDistance: Float64Array.from(contactDistance),
    repulsivePairs: Int32Array.from(repulsive),
  };
}

/**
 * Fraction of native contacts formed (r < 1.2 σij), the usual folding order parameter Q of Go models.
 */
export function nativeContactFraction(model: GoModel, x: ArrayLike<number>): number {
  const { contactPairs, contactDistance } = model;
  let formed = 0;
  for (let c = 0; c < contactDistance.length; c++) {
    if (distance(x, contactPairs[2 * c], contactPairs[2 * c + 1]) < 1.2 * contactDistance[c]) formed++;
  }
  return contactDistance.length === 0 ? 1 : formed / contactDistance.length;
}

function distance(x: ArrayLike<number>, i: number, j: number): number {
  const dx = x[3 * i] - x[3 * j];
  const dy = x[3 * i + 1] - x[3 * j + 1];
  const dz = x[3 * i + 2] - x[3 * j + 2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}
