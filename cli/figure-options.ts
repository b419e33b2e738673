/**
 * The options `we plot` and `we report` share (which figures, iterations, window, dimensions, bins, axis labels,
 * τ), declared once, and their resolution against the run into what the figures are computed from.
 */
import { Option } from '@commander-js/extra-typings';
import { relative } from 'node:path';
import type { IterationRange } from '../core/analysis/iteration-range.js';
import { iterationRange } from '../core/analysis/iteration-range.js';
import { bootstrapSetCount } from '../core/analysis/mcbs.js';
import { WeError } from '../core/errors.js';
import type { FigureId } from '../plugins/figures/figure.js';
import { FIGURE_IDS, runFigures, type RunFigures, type RunFiguresOptions } from '../plugins/figures/run-figures.js';
import { analysisBins, openAnalysisRun, type AnalysisRun, type AnalysisSource } from './analysis-run.js';
import { UsageError } from './usage-error.js';
import { dimensionList, duration, iterationWindow, positiveInteger } from './values.js';

const DEFAULT_BINS = 100;

function figureList(text: string): FigureId[] {
  const names = text.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(FIGURE_IDS as readonly string[]).includes(name)) throw new UsageError(`--figures: unknown figure '${name}'; expected some of ${FIGURE_IDS.join(',')}`);
  }
  return names as FigureId[];
}

function addLabel(text: string, labels: Record<number, string> = {}): Record<number, string> {
  const match = /^\s*(\d+)\s*=(.+)$/.exec(text);
  if (!match) throw new UsageError(`--label: expected DIM=TEXT, e.g. 0='RMSD (Å)', got '${text}'`);
  return { ...labels, [Number(match[1])]: match[2].trim() };
}

export const figureOptions = {
  figures: () => new Option('--figures <names>', `figures to draw, some of ${FIGURE_IDS.join(',')} (default: all the run can give)`).argParser(figureList),
  firstIter: () => new Option('--first-iter <A>', 'first iteration drawn (default: 1)').argParser(positiveInteger('--first-iter')),
  lastIter: () => new Option('--last-iter <B>', 'last iteration drawn (default: the last complete one)').argParser(positiveInteger('--last-iter')),
  window: () =>
    new Option('--window <A:B>', 'iterations the 2-D distribution is averaged over and the rate estimated over (default: the iterations drawn)').argParser(
      iterationWindow('--window'),
    ),
  dims: () => new Option('--dims <D,…>', 'pcoord dimensions: an evolution figure each, the first two for the 2-D distribution (default: all)').argParser(dimensionList('--dims')),
  bins: () => new Option('--bins <N>', 'histogram bins per dimension over the data (as w_pdist)').default(DEFAULT_BINS).argParser(positiveInteger('--bins')),
  label: () => new Option('--label <D=TEXT>', "axis title of pcoord dimension D, with its units (repeatable), e.g. --label 0='RMSD (Å)'").argParser(addLabel),
  tau: () => new Option('--tau <duration>', 'the simulated time of one iteration, e.g. 10ps, to give rates per second').argParser(duration('--tau')),
};

export interface FigureFlags {
  figures?: FigureId[];
  firstIter?: number;
  lastIter?: number;
  window?: Partial<IterationRange>;
  dims?: number[];
  bins: number;
  label?: Record<number, string>;
  tau?: number;
}

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

/** Opens the run, computes its figures, hands both to `use` while the run is open, and closes it. */
export async function withRunFigures<T>(
  source: AnalysisSource,
  flags: FigureFlags,
  use: (run: AnalysisRun, settings: RunFiguresOptions, figures: RunFigures) => T | Promise<T>,
): Promise<T> {
  const run = await openAnalysisRun(source);
  try {
    const settings = await figureSettings(run, flags, runLabel(run.view.source));
    return await use(run, settings, runFigures(run.view, settings));
  } finally {
    run.view.close();
  }
}
