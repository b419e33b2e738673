/**
 * The distribution over two pcoord dimensions averaged over a window of iterations (WESTPA's `plothist average`
 * with a second dimension; for an ML-driven run, the latent space DeepDriveMD users look at): −ln P per cell,
 * 0 at the most probable, blank where no walker was; basis and target states marked.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Pdist } from '../../core/analysis/pdist.js';
import { meanHistogram, negLogP } from '../../core/analysis/neg-log-p.js';
import { CONFIG, SCHEMA, madeBy, short, zoom } from './figure.js';

export interface DistributionInput {
  /** A two-axis distribution over the window's iterations. */
  pdist: Pdist;
  labels: [string, string];
  /** Basis and target states at their pcoord in these two dimensions. */
  states: { kind: 'basis state' | 'target state'; label: string; x: number; y: number }[];
  source: string;
  name: string;
}

const SIDE = 480;

export function distributionSpec({ pdist, labels, states, source, name }: DistributionInput): TopLevelSpec {
  const [ax, ay] = pdist.axes;
  const [nx, ny] = pdist.shape;
  const g = negLogP(meanHistogram(pdist.histograms, pdist.iterations.length));
  const values: { x_lo: number | null; x_hi: number | null; y_lo: number | null; y_hi: number | null; neg_ln_p: number | null }[] = [];
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const v = g[i * ny + j];
      if (Number.isFinite(v)) values.push({ x_lo: short(ax.edges[i]), x_hi: short(ax.edges[i + 1]), y_lo: short(ay.edges[j]), y_hi: short(ay.edges[j + 1]), neg_ln_p: short(v) });
    }
  }
  const first = pdist.iterations[0];
  const last = pdist.iterations[pdist.iterations.length - 1];
  const domain = (edges: Float64Array) => [short(edges[0]) as number, short(edges[edges.length - 1]) as number];
  return {
    $schema: SCHEMA,
    usermeta: madeBy(name),
    title: {
      text: `Distribution over ${labels[0]} and ${labels[1]} (−ln P)`,
      subtitle: `${source}: averaged over iterations ${first} to ${last}, ${nx} × ${ny} bins; 0 = the most probable cell, blank = no walker`,
    },
    width: SIDE,
    height: SIDE,
    layer: [
      {
        data: { values },
        params: [zoom('distribution_zoom')],
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'x_lo', type: 'quantitative', title: labels[0], scale: { domain: domain(ax.edges), zero: false, nice: false } },
          x2: { field: 'x_hi' },
          y: { field: 'y_lo', type: 'quantitative', title: labels[1], scale: { domain: domain(ay.edges), zero: false, nice: false } },
          y2: { field: 'y_hi' },
          color: { field: 'neg_ln_p', type: 'quantitative', title: ['−ln P', '(kT)'], scale: { scheme: 'viridis', domainMin: 0 } },
          tooltip: [
            { field: 'x_lo', type: 'quantitative', title: `${labels[0]} from`, format: '.4~g' },
            { field: 'x_hi', type: 'quantitative', title: 'to', format: '.4~g' },
            { field: 'y_lo', type: 'quantitative', title: `${labels[1]} from`, format: '.4~g' },
            { field: 'y_hi', type: 'quantitative', title: 'to', format: '.4~g' },
            { field: 'neg_ln_p', type: 'quantitative', title: '−ln P (kT)', format: '.3f' },
          ],
        },
      },
      ...(states.length
        ? [
            {
              data: { values: states },
              mark: { type: 'point' as const, filled: true, size: 90, stroke: 'black', strokeWidth: 1, clip: true },
              encoding: {
                x: { field: 'x', type: 'quantitative' as const },
                y: { field: 'y', type: 'quantitative' as const },
                shape: { field: 'kind', type: 'nominal' as const, title: null, scale: { domain: ['basis state', 'target state'], range: ['circle', 'cross'] } },
                fill: { field: 'kind', type: 'nominal' as const, title: null, scale: { domain: ['basis state', 'target state'], range: ['white', '#d62728'] } },
                tooltip: [
                  { field: 'kind', type: 'nominal' as const, title: 'state' },
                  { field: 'label', type: 'nominal' as const, title: 'label' },
                  { field: 'x', type: 'quantitative' as const, title: labels[0], format: '.4~g' },
                  { field: 'y', type: 'quantitative' as const, title: labels[1], format: '.4~g' },
                ],
              },
            },
          ]
        : []),
    ],
    config: CONFIG,
  };
}
