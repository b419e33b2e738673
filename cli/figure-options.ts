/**
 * The options `we plot` and `we report` share (which figures, iterations, window, dimensions, bins, axis labels,
 * τ), declared once. Light: the command declarations import it, so it loads no analysis, figure or HDF5 code
 * (cli/run-figures.ts resolves the options against a run).
 */
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { IterationRange } from '../core/analysis/iteration-range.js';
import { FIGURE_IDS, type FigureId } from '../plugins/figures/figure.js';
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

/** Adds the options `we plot` and `we report` share, keeping their types for the command's action. */
export function withFigureOptions<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) {
  return command
    .addOption(
      new Option('--figures <names>', `figures to draw, some of ${FIGURE_IDS.join(',')} (default: all the run can give)`).argParser(figureList),
    )
    .addOption(
      new Option('--first-iter <A>', 'first iteration drawn (default: 1)').argParser(positiveInteger('--first-iter')),
    )
    .addOption(
      new Option('--last-iter <B>', 'last iteration drawn (default: the last complete one)').argParser(positiveInteger('--last-iter')),
    )
    .addOption(
      new Option('--window <A:B>', 'iterations the 2-D distribution is averaged over and the rate estimated over (default: the iterations drawn)').argParser(
        iterationWindow('--window'),
      ),
    )
    .addOption(
      new Option('--dims <D,…>', 'pcoord dimensions: an evolution figure each, the first two for the 2-D distribution (default: all)').argParser(dimensionList('--dims')),
    )
    .addOption(
      new Option('--bins <N>', 'histogram bins per dimension over the data (as w_pdist)').default(DEFAULT_BINS).argParser(positiveInteger('--bins')),
    )
    .addOption(
      new Option('--label <D=TEXT>', "axis title of pcoord dimension D, with its units (repeatable), e.g. --label 0='RMSD (Å)'").argParser(addLabel),
    )
    .addOption(
      new Option('--tau <duration>', 'the simulated time of one iteration, e.g. 10ps, to give rates per second').argParser(duration('--tau')),
    );
}

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
