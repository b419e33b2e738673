/**
 * The evolution of one pcoord dimension's distribution over iterations, as WESTPA's `plothist evolution`: one row
 * per iteration, one cell per bin, coloured by −ln P (0 at the most probable bin), blank where no walker was;
 * target states as dashed lines.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Pdist } from '../../core/analysis/pdist.js';
import { negLogP } from '../../core/analysis/neg-log-p.js';
import { CONFIG, ITERATION_AXIS, HEIGHT, SCHEMA, WIDTH, madeBy, short, zoom } from './figure.js';

export interface EvolutionInput {
  /** A one-axis distribution, iterations first … last. */
  pdist: Pdist;
  /** The axis title, with units where known. */
  label: string;
  /** Target states' values in this dimension. */
  targets: { label: string; value: number }[];
  source: string;
  name: string;
}

export function evolutionSpec({ pdist, label, targets, source, name }: EvolutionInput): TopLevelSpec {
  const [axis] = pdist.axes;
  const nbins = pdist.shape[0];
  const g = negLogP(pdist.histograms);
  const values: { iteration: number; x_lo: number | null; x_hi: number | null; neg_ln_p: number | null }[] = [];
  pdist.iterations.forEach((iteration, i) => {
    for (let b = 0; b < nbins; b++) {
      const v = g[i * nbins + b];
      if (Number.isFinite(v)) values.push({ iteration, x_lo: short(axis.edges[b]), x_hi: short(axis.edges[b + 1]), neg_ln_p: short(v) });
    }
  });
  const first = pdist.iterations[0];
  const last = pdist.iterations[pdist.iterations.length - 1];
  const xDomain = [axis.edges[0], axis.edges[nbins]].map((x) => short(x) as number);
  return {
    $schema: SCHEMA,
    usermeta: madeBy(name),
    title: {
      text: `Distribution of ${label} per iteration (−ln P)`,
      subtitle: `${source}: iterations ${first} to ${last}, ${nbins} bins; 0 = the most probable bin, blank = no walker`,
    },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values },
        params: [zoom('evolution_zoom')],
        transform: [
          { calculate: 'datum.iteration - 0.5', as: 'iter_lo' },
          { calculate: 'datum.iteration + 0.5', as: 'iter_hi' },
        ],
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'x_lo', type: 'quantitative', title: label, scale: { domain: xDomain, zero: false, nice: false } },
          x2: { field: 'x_hi' },
          y: { field: 'iter_lo', type: 'quantitative', title: 'iteration', axis: ITERATION_AXIS, scale: { domain: [first - 0.5, last + 0.5], nice: false, zero: false } },
          y2: { field: 'iter_hi' },
          color: { field: 'neg_ln_p', type: 'quantitative', title: ['−ln P', '(kT)'], scale: { scheme: 'viridis', domainMin: 0 } },
          tooltip: [
            { field: 'iteration', type: 'quantitative', title: 'iteration' },
            { field: 'x_lo', type: 'quantitative', title: `${label} from`, format: '.4~g' },
            { field: 'x_hi', type: 'quantitative', title: 'to', format: '.4~g' },
            { field: 'neg_ln_p', type: 'quantitative', title: '−ln P (kT)', format: '.3f' },
          ],
        },
      },
      ...(targets.length
        ? [
            {
              data: { values: targets },
              mark: { type: 'rule' as const, color: '#d62728', strokeDash: [6, 4], strokeWidth: 1.5, clip: true },
              encoding: {
                x: { field: 'value', type: 'quantitative' as const },
                tooltip: [
                  { field: 'label', type: 'nominal' as const, title: 'target state' },
                  { field: 'value', type: 'quantitative' as const, title: label },
                ],
              },
            },
            {
              data: { values: targets },
              mark: { type: 'text' as const, color: '#d62728', align: 'left' as const, dx: 4, dy: 4, baseline: 'top' as const, clip: true },
              encoding: { x: { field: 'value', type: 'quantitative' as const }, y: { datum: last + 0.5 }, text: { field: 'label', type: 'nominal' as const } },
            },
          ]
        : []),
    ],
    config: CONFIG,
  };
}
