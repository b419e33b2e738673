/** The `propagator.options` of the `odld` propagator: the parameters of WESTPA's ODLD test system (defaults are its). */
import * as z from 'zod';
import { closedObject } from '../../../core/config/closed-object.js';

export const odldOptions = closedObject({
  A: z.number().positive().default(2).describe('Period of the cosine in V(x) = -(B/2) cos(2π(x - x0)/A) / (exp(C x) - 1).'),
  B: z.number().default(10).describe('Barrier height of V(x), in kT.'),
  C: z.number().positive().default(0.5).describe('Decay of the barriers with x: exp(C x) - 1 divides the cosine.'),
  x0: z.number().default(1).describe('Phase of the cosine: the wells sit at x0, x0 + A, ….'),
  sigma_squared: z.number().positive().default(0.001).describe('Variance σ² of each step’s gaussian noise (the time step, with kT = 1).'),
  reflect_at: z.number().nullable().default(10).describe('Position of the reflecting wall; null for none.'),
}).describe(
  "WESTPA's ODLD test system in process: 1-D overdamped Langevin dynamics, x ← x − (σ²/2) V'(x) + N(0, σ²) with kT = 1, vectorised over a whole iteration (pcoord.ndim 1).",
);

export type OdldParameters = z.output<typeof odldOptions>;
