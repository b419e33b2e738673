/**
 * Rates from a recycling run, as typed results a plotting layer can take: the per-iteration flux into each
 * target, the direct estimate over a window (mean flux per τ with w_direct's Monte Carlo block bootstrap), its
 * cumulative evolution, the window check, and per second when τ is known. The haMSM estimate (hamsm.ts) is added
 * by the caller when bins are at hand.
 */
import { WeError } from '../errors.js';
import type { RunView } from '../run-view.js';
import { iterationRange, type IterationRange } from './iteration-range.js';
import { checkMcbsSettings, mcbsMean, type Estimate, type McbsSettings } from './mcbs.js';
import { targetFlux, type TargetFluxSeries } from './target-flux.js';
import { checkWindow, type WindowCheck } from './window-check.js';

export interface KineticsOptions {
  window?: Partial<IterationRange>;
  mcbs: McbsSettings;
  /** Iterations added per step of the cumulative evolution (w_direct --evolution cumulative --step-iter); none when absent. */
  evolutionStep?: number;
}

/** One window of the evolution: iterations iter_start … iter_stop − 1 (WESTPA's half-open convention). */
export interface EvolutionPoint extends Estimate {
  iter_start: number;
  iter_stop: number;
}

export interface TargetKinetics {
  label: string;
  /** Mean flux per τ over the window. */
  direct: Estimate;
  evolution?: EvolutionPoint[];
  check: WindowCheck;
}

export interface Kinetics {
  source: string;
  window: IterationRange;
  mcbs: McbsSettings;
  /** Per-iteration flux over the whole run (1 … last complete), for plots; the window is a part of it. */
  flux: TargetFluxSeries;
  targets: TargetKinetics[];
}

/** Each target's stream of random numbers, so adding a target does not change another's interval. */
function stream(target: number, window: number): number {
  return target * 1_000_003 + window;
}

export function directKinetics(view: RunView, options: KineticsOptions): Kinetics {
  checkMcbsSettings(options.mcbs);
  const window = iterationRange(view, options.window ?? {});
  const flux = targetFlux(view, { first: 1, last: view.lastIteration });
  const inWindow = flux.flux.map((f) => f.subarray(window.first - 1, window.last));
  if (inWindow.every((f) => f.every((x) => x === 0))) {
    const reached = flux.flux.map((f) => f.findIndex((x) => x > 0)).filter((i) => i >= 0);
    const hint = reached.length ? `the first flux is in iteration ${Math.min(...reached) + 1}` : 'no walker has reached a target yet: run longer';
    throw new WeError(`no flux into any target in iterations ${window.first} to ${window.last}; ${hint}`, '--window');
  }
  const step = options.evolutionStep;
  if (step !== undefined && !(Number.isInteger(step) && step >= 1)) throw new WeError(`expected a positive integer, got ${step}`, '--step-iter');
  const targets = flux.targets.map((label, t) => {
    const series = inWindow[t];
    const target: TargetKinetics = { label, direct: mcbsMean(series, options.mcbs, stream(t, 0)), check: checkWindow(series, window.first, options.mcbs, stream(t, 1)) };
    if (step !== undefined) {
      target.evolution = [];
      for (let start = window.first, k = 0; start <= window.last; start += step, k++) {
        const stop = Math.min(start + step, window.last + 1);
        const estimate = mcbsMean(series.subarray(0, stop - window.first), options.mcbs, stream(t, 2 + k));
        target.evolution.push({ iter_start: window.first, iter_stop: stop, ...estimate });
      }
    }
    return target;
  });
  return { source: view.source, window, mcbs: options.mcbs, flux, targets };
}

/** An estimate per τ turned into one per second, for τ in seconds. */
export function perSecond(estimate: Estimate, tauSeconds: number): Estimate {
  return {
    ...estimate,
    expected: estimate.expected / tauSeconds,
    ci_lbound: estimate.ci_lbound / tauSeconds,
    ci_ubound: estimate.ci_ubound / tauSeconds,
    sterr: estimate.sterr / tauSeconds,
  };
}
