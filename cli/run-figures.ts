/** The shared options of `we plot` and `we report` (cli/figure-options.ts) resolved against a run, and its figures. */
import { relative } from 'node:path';
import { iterationRange, type IterationRange } from '../core/analysis/iteration-range.js';
import { bootstrapSetCount } from '../core/analysis/mcbs.js';
import { WeError } from '../core/errors.js';
import { FIGURE_IDS, type Figure } from '../plugins/figures/figure.js';
import { runFigures, type RunFigures, type RunFiguresOptions } from '../plugins/figures/run-figures.js';
import { analysisBins, openAnalysisRun, type AnalysisRun, type AnalysisSource } from './analysis-run.js';
import type { FigureFlags } from './figure-options.js';

/** The window, inside the run's complete iterations, defaulting to the iterations drawn. */
function windowRange(run: AnalysisRun, wanted: Partial<IterationRange> | undefined, drawn: IterationRange): IterationRange {
  const available = run.view.lastIteration;
  const first = wanted?.first ?? drawn.first;
  const last = wanted?.last ?? drawn.last;
  for (const n of [first, last]) {
    if (n > available) throw new WeError(`iteration ${n} is outside the run: ${run.view.source} has complete iterations 1 to ${available}`, '--window');
  }
  if (first > last) throw new WeError(`first iteration ${first} is after the last, ${last}`, '--window');
  return { first, last };
}

/** Without --label: latent dimensions for a run whose pcoord is an ONNX model's, else the pcoord's. */
function defaultLabel(run: AnalysisRun, d: number): string {
  return run.config?.progressCoordinate?.name === 'onnx' ? `latent dimension ${d}` : `pcoord dimension ${d}`;
}

async function figureSettings(run: AnalysisRun, flags: FigureFlags, source: string): Promise<RunFiguresOptions> {
  const range = iterationRange(run.view, { first: flags.firstIter, last: flags.lastIter });
  const { ndim } = run.view.pcoord;
  for (const d of Object.keys(flags.label ?? {}).map(Number)) {
    if (d >= ndim) throw new WeError(`dimension ${d} does not exist: the pcoord has ${ndim} (dimensions 0 to ${ndim - 1})`, '--label');
  }
  const mapper = run.config
    ? await analysisBins(run, undefined, false)
    : undefined;
  const alpha = 0.05;
  return {
    figures: flags.figures ?? FIGURE_IDS,
    named: flags.figures !== undefined,
    range,
    window: windowRange(run, flags.window, range),
    dims: flags.dims ?? Array.from({ length: ndim }, (_, d) => d),
    bins: flags.bins,
    labels: Array.from({ length: ndim }, (_, d) => flags.label?.[d] ?? defaultLabel(run, d)),
    tauSeconds: flags.tau,
    mcbs: { alpha, nsets: bootstrapSetCount(alpha), acAlpha: alpha, seed: 1 },
    mapper,
    slots: run.config?.workManager.slots,
    source,
  };
}

/** How a run is named in figures: its west.h5 relative to here when below it, else the full path. */
function runLabel(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/**
 * Opens the run, computes its figures (each given to `onFigure` as soon as it is made), hands them to `use` while
 * the run is open, and closes it.
 */
export async function withRunFigures<T>(
  source: AnalysisSource,
  flags: FigureFlags,
  use: (run: AnalysisRun, settings: RunFiguresOptions, figures: RunFigures) => T | Promise<T>,
  onFigure?: (figure: Figure) => void,
): Promise<T> {
  const run = await openAnalysisRun(source);
  try {
    const settings = await figureSettings(run, flags, runLabel(run.view.source));
    return await use(run, settings, runFigures(run.view, settings, onFigure));
  } finally {
    run.view.close();
  }
}
