/**
 * "Is the flux still rising?": the check users make before trusting a steady-state rate. The window's flux is
 * split into halves and the change of the mean from the first half to the second is given a (1 − α) interval by
 * a block bootstrap: blocks as long as the flux's correlation length within either half (Huber & Kim's test on
 * the flux itself) plus one, resampled within each half. An interval above zero means
 * the flux is still rising (the ensemble has not relaxed: the rate is underestimated), below zero that it is
 * falling; the suggestion is then the earliest first iteration from which the rest of the run looks steady.
 */
import { Random } from '../random.js';
import { blockMeans, bootstrapSetCount, correlationLength, intervalIndices, type McbsSettings } from './mcbs.js';

export type WindowVerdict = 'rising' | 'falling' | 'steady' | 'undetermined';

export interface WindowCheck {
  verdict: WindowVerdict;
  first_half_mean: number;
  second_half_mean: number;
  /** second − first half, with its interval. */
  change: { expected: number; ci_lbound: number; ci_ubound: number };
  /** Iterations per bootstrap block. */
  block_length: number;
  /** When not steady: the earliest first iteration (same last) whose window looks steady, if any does. */
  suggested_first?: number;
  message: string;
}

/** Each half must hold this many blocks for its mean's spread to be estimated at all. */
const MIN_BLOCKS_PER_HALF = 3;
/** Candidate first iterations tried for a suggestion. */
const SUGGESTION_STEPS = 20;

function average(values: Float64Array): number {
  return values.reduce((s, x) => s + x, 0) / values.length;
}

function halvesChange(flux: Float64Array, settings: McbsSettings, stream: number): Omit<WindowCheck, 'suggested_first' | 'message'> {
  const n = flux.length;
  const half = Math.floor(n / 2);
  const firstHalf = flux.subarray(n - 2 * half, n - half);
  const secondHalf = flux.subarray(n - half);
  const m1 = average(firstHalf);
  const m2 = average(secondHalf);
  const base = { first_half_mean: m1, second_half_mean: m2 };
  const rng = new Random(settings.seed, stream, 1);
  // The flux's own correlation within each half: over the whole window a trend would pass for correlation.
  const sets = bootstrapSetCount(settings.acAlpha);
  const corrLen = Math.max(correlationLength(firstHalf, settings.acAlpha, sets, rng), correlationLength(secondHalf, settings.acAlpha, sets, rng));
  const length = corrLen + 1;
  const b1 = blockMeans(firstHalf, length);
  const b2 = blockMeans(secondHalf, length);
  if (b1.length < MIN_BLOCKS_PER_HALF) {
    return { ...base, verdict: 'undetermined', change: { expected: m2 - m1, ci_lbound: NaN, ci_ubound: NaN }, block_length: length };
  }
  const changes = new Float64Array(settings.nsets);
  const resampledMean = (blocks: Float64Array) => {
    let sum = 0;
    for (let i = 0; i < blocks.length; i++) sum += blocks[Math.floor(rng.float() * blocks.length)];
    return sum / blocks.length;
  };
  for (let s = 0; s < settings.nsets; s++) changes[s] = resampledMean(b2) - resampledMean(b1);
  changes.sort();
  const at = intervalIndices(settings.nsets, settings.alpha);
  const change = { expected: average(b2) - average(b1), ci_lbound: changes[at.lower], ci_ubound: changes[at.upper] };
  const verdict: WindowVerdict = change.ci_lbound > 0 ? 'rising' : change.ci_ubound < 0 ? 'falling' : 'steady';
  return { ...base, verdict, change, block_length: length };
}

/** `flux` holds iterations first … first + flux.length − 1 of one target. */
export function checkWindow(flux: Float64Array, first: number, settings: McbsSettings, stream = 0): WindowCheck {
  const last = first + flux.length - 1;
  const check = halvesChange(flux, settings, stream);
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const relative = check.first_half_mean > 0 ? ` (${pct(check.change.expected / check.first_half_mean)})` : '';
  if (check.verdict === 'undetermined') {
    return {
      ...check,
      message: `cannot tell whether the flux is still changing: iterations ${first} to ${last} are too few for its correlation length (blocks of ${check.block_length})`,
    };
  }
  if (check.verdict === 'steady') {
    return { ...check, message: `steady: the flux changes by ${check.change.expected.toExponential(2)}${relative} from the first half of iterations ${first} to ${last} to the second, within its ${pct(1 - settings.alpha)} interval of zero` };
  }
  let suggested: number | undefined;
  const step = Math.max(1, Math.floor(flux.length / SUGGESTION_STEPS));
  for (let start = step; flux.length - start >= 2 * MIN_BLOCKS_PER_HALF * check.block_length; start += step) {
    if (halvesChange(flux.subarray(start), settings, stream).verdict === 'steady') {
      suggested = first + start;
      break;
    }
  }
  const advice = suggested !== undefined ? `; from iteration ${suggested} on it looks steady: use --window ${suggested}:${last}` : '; no later window looks steady yet: run longer';
  return {
    ...check,
    ...(suggested !== undefined ? { suggested_first: suggested } : {}),
    message: `${check.verdict === 'rising' ? 'still rising' : 'falling'}: the flux changes by ${check.change.expected.toExponential(2)}${relative} from the first half of iterations ${first} to ${last} to the second, outside its ${pct(1 - settings.alpha)} interval of zero${advice}`,
  };
}
