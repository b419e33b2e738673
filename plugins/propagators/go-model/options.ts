/** The `propagator.options` of the `go-model` propagator: we-go-md's settings, as runseg.sh passes them. */
import * as z from 'zod';
import { closedObject } from '../../../core/config/closed-object.js';
import { CLEMENTI_PARAMETERS } from '../../engines/go-model/go-model.js';

const positiveInteger = z.number().int().positive();

export const goModelOptions = closedObject({
  native: z.string().min(1).default('native.pdb').describe(
    'The native structure (PDB, relative to the simulation root): the Go model takes its contacts and its C-alpha chain from it.',
  ),
  bstate_structure: z.string().min(1).default('bstate.pdb').describe(
    "The structure a new trajectory starts from, in each basis state's folder (basis_states' auxref).",
  ),
  steps: positiveInteger.default(2000).describe('Integration steps per segment (τ = steps × timestep).'),
  frames: positiveInteger.default(10).describe('Frames per segment, evenly spaced in steps: pcoord.len must be frames + 1.'),
  temperature: z.number().positive().default(300).describe('Langevin bath temperature, K.'),
  timestep: z.number().positive().default(0.005).describe('Time step, ps.'),
  friction: z.number().nonnegative().default(1).describe('Collision rate γ, 1/ps.'),
  epsilon: z.number().positive().default(CLEMENTI_PARAMETERS.epsilon).describe('Go-model energy scale ε, kcal/mol.'),
}).describe(
  "`we`'s C-alpha Go-model engine in process (what we-go-md runs per segment, without a process per segment): each segment's frames go straight to the progress_coordinate model; each segment's final state is kept in traj_segs/NNNNNN/ for its children.",
);

export type GoModelOptions = z.output<typeof goModelOptions>;
