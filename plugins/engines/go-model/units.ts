/**
 * The engine's unit system: Å, ps, kcal/mol, amu, K. Forces come out in kcal/mol/Å; dividing by a mass in amu
 * gives kcal/mol/Å/amu, which ACCELERATION_PER_FORCE turns into Å/ps².
 */

/** Boltzmann's constant in kcal/(mol·K) (CODATA 2018 k_B × N_A / 4184). */
export const BOLTZMANN_KCAL = 0.001987204259;

/** 1 kcal/mol per amu = 4184 J / 1e-3 kg = 4.184e6 m²/s² = 418.4 Å²/ps². */
export const ACCELERATION_PER_FORCE = 418.4;

/** CHARMM's DCD time step unit (AKMA) in ps, as OpenMM and MDAnalysis convert it. */
export const PS_PER_AKMA = 0.04888821;
