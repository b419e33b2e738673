/**
 * WESTPA's ODLD test system, in process: 1-D overdamped Langevin dynamics on
 *   V(x) = -(B/2) cos(2π(x - x0)/A) / (exp(C x) - 1)        (kT = 1)
 * with x <- x - (σ²/2) V'(x) + N(0, σ²) and a reflecting wall. Vectorised over a whole task of segments.
 * Each segment draws from its own stream (seed, iteration, segment), so a redone iteration is identical.
 */
import type { Propagator, PropagatorContext, SegmentResult, SegmentTask } from '../../../core/plugins.js';
import { Random, Stream } from '../../../core/random.js';
import { parsePluginOptions } from '../../options.js';
import { odldOptions, type OdldParameters } from './options.js';

export type { OdldParameters } from './options.js';

/** One ODLD step from x with gaussian deviate `noise` (already scaled by σ). */
export function odldStep(x: number, noise: number, p: OdldParameters): number {
  const k = (2 * Math.PI) / p.A;
  const phase = k * (x - p.x0);
  const eCx = Math.exp(p.C * x);
  const eCxLessOne = eCx - 1;
  // dV/dx of -(B/2) cos(phase) / (e^{Cx} - 1)
  const grad = ((p.B / 2) * (k * eCxLessOne * Math.sin(phase) + p.C * eCx * Math.cos(phase))) / (eCxLessOne * eCxLessOne);
  let next = x - (p.sigma_squared / 2) * grad + noise;
  if (p.reflect_at !== null && next > p.reflect_at) next = 2 * p.reflect_at - next;
  return next;
}

export class OdldPropagator implements Propagator {
  private readonly round: (x: number) => number;

  constructor(
    private readonly ctx: PropagatorContext,
    private readonly params: OdldParameters,
  ) {
    if (ctx.pcoord.ndim !== 1) {
      throw new Error(`the odld propagator needs pcoord.ndim 1, got ${ctx.pcoord.ndim}`);
    }
    // The stored pcoord is the state: stepping from the rounded value keeps a resumed run bit-identical.
    this.round = ctx.pcoord.dtype === 'float32' ? Math.fround : (x) => x;
  }

  async propagate(task: SegmentTask): Promise<SegmentResult> {
    const started = performance.now();
    const n = task.segIds.length;
    const len = this.ctx.pcoord.len;
    const sigma = Math.sqrt(this.params.sigma_squared);
    const pcoord = new Float64Array(n * len);
    for (let i = 0; i < n; i++) {
      const rng = new Random(this.ctx.seed, task.iteration, Stream.propagate, task.segIds[i]);
      let x = this.round(task.startPoints[i]);
      pcoord[i * len] = x;
      for (let t = 1; t < len; t++) {
        x = this.round(odldStep(x, sigma * rng.normal(), this.params));
        pcoord[i * len + t] = x;
      }
    }
    const perSegment = (performance.now() - started) / 1000 / Math.max(n, 1);
    return {
      segIds: task.segIds,
      pcoord,
      cputime: new Float64Array(n).fill(perSegment),
      walltime: new Float64Array(n).fill(perSegment),
    };
  }
}

export async function createOdldPropagator(ctx: PropagatorContext, options: Record<string, unknown>): Promise<Propagator> {
  return new OdldPropagator(ctx, parsePluginOptions(odldOptions, options, ctx.configFile, 'propagator.options'));
}
