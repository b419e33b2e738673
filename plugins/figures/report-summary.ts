/**
 * The run's summary at the top of a report, as rows of label and value: iterations, walkers, bins, weights,
 * time, and per target the rate with its interval and the window check.
 */
import type { IterationRange } from '../../core/analysis/iteration-range.js';
import { perSecond } from '../../core/analysis/kinetics.js';
import type { Estimate } from '../../core/analysis/mcbs.js';
import type { RunView } from '../../core/run-view.js';
import { weightStats } from '../../core/resampling/weight-checks.js';
import type { RunFigures } from './run-figures.js';

export interface SummarySection {
  heading: string;
  rows: [string, string][];
}

export interface SummaryInput {
  view: RunView;
  figures: RunFigures;
  range: IterationRange;
  nbins?: number;
  tauSeconds?: number;
}

const exp = (x: number) => (Number.isFinite(x) ? x.toExponential(3) : '–');

function estimate(e: Estimate, unit: string): string {
  return `${exp(e.expected)} ${unit}, interval [${exp(e.ci_lbound)}, ${exp(e.ci_ubound)}], corr_len ${e.corr_len}${e.note ? ` (${e.note})` : ''}`;
}

export function reportSummary({ view, figures, range, nbins, tauSeconds }: SummaryInput): SummarySection[] {
  const { pcoord } = view;
  const run: SummarySection = {
    heading: 'Run',
    rows: [
      ['west.h5', view.source],
      ['complete iterations', `${view.lastIteration} (drawn: ${range.first} to ${range.last})`],
      ['progress coordinate', `${pcoord.ndim} dimension(s) × ${pcoord.len} timepoints, ${pcoord.dtype}`],
      ['basis states', view.basisStates.map((b) => `${b.label} (p = ${b.probability.toPrecision(4)})`).join(', ') || '–'],
      ['target states', view.targetStates.map((t) => `${t.label} at [${t.pcoord.join(', ')}]`).join(', ') || 'none (no recycling)'],
    ],
  };
  const sections = [run];
  const { series, kinetics } = figures;
  const last = view.segments(range.last);
  const w = weightStats(last.weight);
  const walkers: SummarySection = {
    heading: `Walkers and weights (iteration ${range.last})`,
    rows: [
      ['walkers', String(last.n)],
      ['total weight', `${w.total.toPrecision(15)} (1 − total = ${exp(1 - w.total)})`],
      ['segment weights', `${exp(w.min)} to ${exp(w.max)}`],
    ],
  };
  if (series) {
    const k = series.iterations.length - 1;
    walkers.rows.splice(1, 0, ['walkers per iteration', `${Math.min(...series.walkers)} to ${Math.max(...series.walkers)} over iterations ${range.first} to ${range.last}`]);
    if (series.occupiedBins) walkers.rows.push(['occupied bins', `${series.occupiedBins[k]}${nbins !== undefined ? ` of ${nbins}` : ''}`]);
    const wall = series.iterationWalltime.reduce((s, x) => s + x, 0);
    walkers.rows.push(['wall-clock time', `${wall.toFixed(1)} s over iterations ${range.first} to ${range.last}, ${(wall / series.iterations.length).toFixed(3)} s per iteration`]);
  }
  sections.push(walkers);
  if (kinetics) {
    const { window, mcbs } = kinetics;
    for (const target of kinetics.targets) {
      const rows: [string, string][] = [
        ['window', `iterations ${window.first} to ${window.last}`],
        [`rate (mean flux, ${Math.round(100 * (1 - mcbs.alpha))}% interval)`, estimate(target.direct, 'per τ')],
      ];
      if (tauSeconds !== undefined) rows.push(['rate per second', estimate(perSecond(target.direct, tauSeconds), '/s')]);
      rows.push(['window check', target.check.message]);
      sections.push({ heading: `Target '${target.label}'`, rows });
    }
  }
  return sections;
}
