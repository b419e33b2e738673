/**
 * All the figures of a run, computed from its read-only view by the analysis modules (pdist, kinetics, the
 * per-iteration series) and turned into Vega-Lite specs. `we plot` draws them to PNG; `we report` embeds them.
 * A figure the run cannot give (a second dimension of a 1-D pcoord, a rate without targets or flux) is skipped
 * with its reason when all figures are wanted, and is an error when it was asked for by name.
 */
import { cachedRunView } from '../../core/analysis/cached-run-view.js';
import type { IterationRange } from '../../core/analysis/iteration-range.js';
import { iterationSeries, type IterationSeries } from '../../core/analysis/iteration-series.js';
import { directKinetics, type Kinetics } from '../../core/analysis/kinetics.js';
import type { McbsSettings } from '../../core/analysis/mcbs.js';
import { checkedDims, probabilityDistributions } from '../../core/analysis/pdist.js';
import { WeError } from '../../core/errors.js';
import type { BinMapper } from '../../core/plugins.js';
import type { RunView } from '../../core/run-view.js';
import { distributionSpec } from './distribution.js';
import { evolutionSpec } from './evolution.js';
import type { Figure, FigureId } from './figure.js';
import { fluxSpec } from './flux.js';
import { timingSpec } from './timing.js';
import { walkersSpec } from './walkers.js';

export interface RunFiguresOptions {
  /** Which figures; `named` makes one the run cannot give an error instead of a skip. */
  figures: readonly FigureId[];
  named: boolean;
  /** Iterations drawn per iteration (evolution, flux, walkers, timing). */
  range: IterationRange;
  /** Iterations the 2-D distribution is averaged over and the rate is estimated over. */
  window: IterationRange;
  /** pcoord dimensions: one evolution each; the first two for the 2-D distribution. */
  dims: number[];
  /** Histogram bins per dimension. */
  bins: number;
  /** Axis title of each pcoord dimension. */
  labels: string[];
  tauSeconds?: number;
  mcbs: McbsSettings;
  /** The run's bins (occupancy); none for a bare west.h5. */
  mapper?: BinMapper;
  /** The run's slots, the ceiling of the timing figure's concurrency. */
  slots?: number;
  /** How the run is named in the figures' subtitles. */
  source: string;
}

export interface RunFigures {
  figures: Figure[];
  skipped: { id: FigureId; reason: string }[];
  /** The analyses behind the figures, for a report's summary. */
  kinetics?: Kinetics;
  series?: IterationSeries;
}

/** Points of the cumulative rate evolution: enough to see a trend, few enough that each bootstrap stays cheap. */
const RATE_POINTS = 40;

export function rateEvolutionStep({ first, last }: IterationRange): number {
  return Math.max(1, Math.ceil((last - first + 1) / RATE_POINTS));
}

/** All the figures of the run; `onFigure` is given each as soon as it is made (to draw it while the rest are computed). */
export function runFigures(runView: RunView, options: RunFiguresOptions, onFigure?: (figure: Figure) => void): RunFigures {
  const view = cachedRunView(runView);
  const { range, window, labels } = options;
  const { source } = options;
  const dims = checkedDims(options.dims, view.pcoord.ndim, runView.source);
  const bins = { kind: 'counts' as const, counts: [options.bins] };
  const result: RunFigures = { figures: [], skipped: [] };
  const skip = (id: FigureId, reason: string) => {
    if (options.named) throw new WeError(`cannot draw the ${id} figure: ${reason}`, runView.source);
    result.skipped.push({ id, reason });
  };
  const want = new Set(options.figures);
  const add = (figure: Figure) => {
    result.figures.push(figure);
    onFigure?.(figure);
  };

  // every histogram of the figures in one range pass and one histogram pass over the run
  const distribution = want.has('distribution') && dims.length >= 2 ? dims.slice(0, 2) : undefined;
  const evolutions = want.has('evolution') ? dims : [];
  const requests = evolutions.map((d) => ({ ...range, dims: [d], bins }));
  if (distribution) requests.push({ ...window, dims: distribution, bins });
  const pdists = probabilityDistributions(view, requests);

  evolutions.forEach((d, k) => {
    const pdist = pdists[k];
    const targets = view.targetStates.map((t) => ({ label: t.label, value: t.pcoord[d] }));
    const name = `evolution-dim${d}`;
    add({ id: 'evolution', name, title: `Evolution of ${labels[d]}`, spec: evolutionSpec({ pdist, label: labels[d], targets, source, name }) });
  });
  if (want.has('distribution')) {
    if (!distribution) {
      skip('distribution', view.pcoord.ndim < 2 ? 'the pcoord is 1-dimensional' : 'only one dimension chosen (--dims)');
    } else {
      const [a, b] = distribution;
      const pdist = pdists[evolutions.length];
      const states = [
        ...view.basisStates.filter((s) => s.pcoord && s.pcoord.length > b).map((s) => ({ kind: 'basis state' as const, label: s.label, x: s.pcoord![a], y: s.pcoord![b] })),
        ...view.targetStates.map((s) => ({ kind: 'target state' as const, label: s.label, x: s.pcoord[a], y: s.pcoord[b] })),
      ];
      const name = `distribution-dim${a}-dim${b}`;
      const spec = distributionSpec({ pdist, labels: [labels[a], labels[b]], states, source, name });
      add({ id: 'distribution', name, title: `Distribution over ${labels[a]} and ${labels[b]}`, spec });
    }
  }
  if (want.has('flux')) {
    try {
      result.kinetics = directKinetics(view, { window, mcbs: options.mcbs, evolutionStep: rateEvolutionStep(window) });
      const spec = fluxSpec({ kinetics: result.kinetics, range, tauSeconds: options.tauSeconds, source, name: 'flux' });
      add({ id: 'flux', name: 'flux', title: 'Flux and rate', spec });
    } catch (error) {
      if (!(error instanceof WeError)) throw error;
      skip('flux', error.message);
    }
  }
  if (want.has('walkers') || want.has('timing')) {
    result.series = iterationSeries(view, range, options.mapper);
    if (want.has('walkers')) {
      const spec = walkersSpec({ series: result.series, nbins: options.mapper?.nbins, source, name: 'walkers' });
      add({ id: 'walkers', name: 'walkers', title: 'Walkers and bins', spec });
    }
    if (want.has('timing')) {
      const spec = timingSpec({ series: result.series, slots: options.slots, source, name: 'timing' });
      add({ id: 'timing', name: 'timing', title: 'Seconds per iteration', spec });
    }
  }
  return result;
}
