/** Walkers per iteration and, where the run's bins are known, the bins they occupy at the iteration's start. */
import type { TopLevelSpec } from 'vega-lite';
import type { IterationSeries } from '../../core/analysis/iteration-series.js';
import { CONFIG, ITERATION_AXIS, PANEL_HEIGHT, SCHEMA, WIDTH, madeBy, zoom } from './figure.js';

export interface WalkersInput {
  series: IterationSeries;
  /** Bins of the run's mapper, for the occupancy panel's title. */
  nbins?: number;
  source: string;
  name: string;
}

export function walkersSpec({ series, nbins, source, name }: WalkersInput): TopLevelSpec {
  const { iterations, walkers, occupiedBins } = series;
  const values = Array.from(iterations, (iteration, k) => ({ iteration, walkers: walkers[k], ...(occupiedBins ? { occupied_bins: occupiedBins[k] } : {}) }));
  const x = { field: 'iteration', type: 'quantitative' as const, title: 'iteration', axis: ITERATION_AXIS, scale: { domain: [iterations[0], iterations[iterations.length - 1]], nice: false } };
  const panel = (field: string, title: string[], param: string) => ({
    width: WIDTH,
    height: PANEL_HEIGHT,
    params: [zoom(param)],
    mark: { type: 'line' as const, point: { size: 12 }, clip: true },
    encoding: {
      x,
      y: { field, type: 'quantitative' as const, title },
      tooltip: [
        { field: 'iteration', type: 'quantitative' as const },
        { field, type: 'quantitative' as const, title: title.join(' ') },
      ],
    },
  });
  return {
    $schema: SCHEMA,
    usermeta: madeBy(name),
    title: {
      text: occupiedBins ? 'Walkers and occupied bins per iteration' : 'Walkers per iteration',
      subtitle: occupiedBins
        ? `${source}: bins holding a walker at the start of each iteration${nbins !== undefined ? `, of the mapper's ${nbins}` : ''}`
        : `${source}: occupied bins not drawn, as the run's bins are unknown without its we.yaml`,
    },
    data: { values },
    vconcat: [
      panel('walkers', ['walkers', '(segments)'], 'walkers_zoom'),
      ...(occupiedBins ? [panel('occupied_bins', ['occupied bins'], 'bins_zoom')] : []),
    ],
    config: CONFIG,
  };
}
