/** `we trace ITER SEG [--export FILE]`: a walker's lineage (as w_trace) and its trajectory concatenated along it. */
import { dirname, resolve } from 'node:path';
import { traceLineage } from '../../core/analysis/lineage.js';
import { WeError } from '../../core/errors.js';
import { lineageFrames, writeLineageDcd } from '../../plugins/trajectory/lineage-trajectory.js';
import { analysisBins, openAnalysisRun, type AnalysisSource } from '../analysis-run.js';

export interface TraceCommandOptions {
  export?: string;
  /** The trajectory file in each segment's directory (default: we.yaml's propagator `trajectory`, else the only one). */
  traj?: string;
  json: boolean;
}

export async function trace(source: AnalysisSource, iteration: number, segment: number, options: TraceCommandOptions): Promise<void> {
  const run = await openAnalysisRun(source);
  try {
    const mapper = await analysisBins(run, undefined, true).catch((error: unknown) => {
      if (error instanceof WeError) return undefined;
      throw error;
    });
    const lineage = traceLineage(run.view, iteration, segment, mapper);
    let exported: { path: string; frames: number; file: string } | undefined;
    if (options.export !== undefined) {
      const simRoot = run.config?.simRoot ?? dirname(run.view.source);
      const configured = run.config?.propagator.options.trajectory;
      const name = options.traj ?? (typeof configured === 'string' ? configured : undefined);
      const frames = await lineageFrames(simRoot, lineage.steps, name);
      const path = resolve(options.export);
      await writeLineageDcd(path, frames, `we trace ${iteration} ${segment}: ${lineage.steps.length} segments`);
      exported = { path: options.export, frames: frames.nFrames, file: frames.file };
    }
    if (options.json) {
      console.log(JSON.stringify({ iteration, segment, ...lineage, ...(exported ? { exported } : {}) }, null, 2));
      return;
    }
    const { origin } = lineage;
    const first = lineage.steps[0];
    console.log(
      `# starts at iteration ${first.iteration} from initial state ${origin.initialState} (basis state '${origin.basisLabel}', pcoord ${origin.pcoord.join(' ')})` +
        (origin.recycled ? `, made when a walker was recycled at the end of iteration ${first.iteration - 1}` : ''),
    );
    console.log(`# ${['iteration', 'segment', 'weight', 'final pcoord', ...(mapper ? ['bin'] : []), 'endpoint'].join('\t')}`);
    for (const step of lineage.steps) {
      const cells = [step.iteration, step.segment, step.weight.toExponential(12), step.pcoord.map((x) => x.toPrecision(7)).join(' '), ...(mapper ? [step.bin] : []), step.endpoint];
      console.log(cells.join('\t'));
    }
    if (exported) console.error(`wrote ${exported.path}: ${exported.frames} frames of ${exported.file} from ${lineage.steps.length} segments`);
  } finally {
    run.view.close();
  }
}
