/**
 * Flux into each target per iteration (the weight recycled there), and the rate with its interval as the window
 * grows (w_direct's cumulative evolution: the mean flux from the window's first iteration to each iteration, with
 * its Monte Carlo block bootstrap interval). A rate still drifting at the right edge is not converged.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Kinetics } from '../../core/analysis/kinetics.js';
import type { IterationRange } from '../../core/analysis/iteration-range.js';
import { CONFIG, ITERATION_AXIS, PANEL_HEIGHT, SCHEMA, WIDTH, madeBy, short, zoom } from './figure.js';

export interface FluxInput {
  kinetics: Kinetics;
  /** The iterations drawn (the flux panel); the rate starts at kinetics.window.first. */
  range: IterationRange;
  /** τ in seconds: rates per second instead of per τ. */
  tauSeconds?: number;
  source: string;
  name: string;
}

export function fluxSpec({ kinetics, range, tauSeconds, source, name }: FluxInput): TopLevelSpec {
  const { flux, window, mcbs } = kinetics;
  const perRate = tauSeconds ?? 1;
  const rateUnit = tauSeconds ? '1/s' : 'per τ';
  // one iteration axis for both panels, covering the drawn flux and the rate's window
  const domain = [Math.min(range.first, window.first), Math.max(range.last, window.last)];
  const fluxRows: { iteration: number; target: string; flux: number | null }[] = [];
  flux.targets.forEach((target, t) => {
    for (let n = domain[0]; n <= domain[1]; n++) fluxRows.push({ iteration: n, target, flux: short(flux.flux[t][n - flux.iterations[0]]) });
  });
  const rateRows = kinetics.targets.flatMap((target) =>
    (target.evolution ?? []).map((p) => ({
      iteration: p.iter_stop - 1,
      target: target.label,
      rate: short(p.expected / perRate),
      ci_lbound: short(p.ci_lbound / perRate),
      ci_ubound: short(p.ci_ubound / perRate),
      corr_len: p.corr_len,
    })),
  );
  const level = `${Math.round(100 * (1 - mcbs.alpha))}%`;
  const x = { field: 'iteration', type: 'quantitative' as const, title: 'iteration', axis: ITERATION_AXIS, scale: { domain, nice: false } };
  const color = { field: 'target', type: 'nominal' as const, title: 'target state' };
  const summary = kinetics.targets.map((t) => {
    const f = (v: number) => (v / perRate).toExponential(2);
    return `'${t.label}': ${f(t.direct.expected)} ${rateUnit} [${f(t.direct.ci_lbound)}, ${f(t.direct.ci_ubound)}] over iterations ${window.first} to ${window.last}; ${t.check.verdict}`;
  });
  return {
    $schema: SCHEMA,
    usermeta: madeBy(name),
    title: {
      text: 'Flux into each target, and the rate with its interval',
      subtitle: [`${source}: rate = mean flux from iteration ${window.first} to each iteration, ${level} interval by Monte Carlo block bootstrap (w_direct)`, ...summary],
    },
    vconcat: [
      {
        width: WIDTH,
        height: PANEL_HEIGHT,
        data: { values: fluxRows },
        params: [zoom('flux_zoom')],
        mark: { type: 'line', point: { size: 12 }, strokeWidth: 1, clip: true },
        encoding: {
          x,
          y: { field: 'flux', type: 'quantitative', title: ['flux into target', '(probability per τ)'], axis: { format: '.2~e' } },
          color,
          tooltip: [
            { field: 'iteration', type: 'quantitative' },
            { field: 'target', type: 'nominal', title: 'target state' },
            { field: 'flux', type: 'quantitative', title: 'flux per τ', format: '.4~e' },
          ],
        },
      },
      {
        width: WIDTH,
        height: PANEL_HEIGHT,
        data: { values: rateRows },
        layer: [
          {
            params: [zoom('rate_zoom')],
            mark: { type: 'area', opacity: 0.25, clip: true },
            encoding: { x, y: { field: 'ci_lbound', type: 'quantitative', title: [`rate (${rateUnit})`, `${level} interval`], axis: { format: '.2~e' } }, y2: { field: 'ci_ubound' }, color },
          },
          {
            mark: { type: 'line', point: { size: 16 }, clip: true },
            encoding: {
              x,
              y: { field: 'rate', type: 'quantitative' },
              color,
              tooltip: [
                { field: 'iteration', type: 'quantitative', title: `iterations ${window.first} to` },
                { field: 'target', type: 'nominal', title: 'target state' },
                { field: 'rate', type: 'quantitative', title: `rate (${rateUnit})`, format: '.4~e' },
                { field: 'ci_lbound', type: 'quantitative', title: `${level} interval from`, format: '.4~e' },
                { field: 'ci_ubound', type: 'quantitative', title: 'to', format: '.4~e' },
                { field: 'corr_len', type: 'quantitative', title: 'corr_len (iterations)' },
              ],
            },
          },
        ],
      },
    ],
    config: CONFIG,
  };
}
