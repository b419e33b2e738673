/**
 * Confidence intervals on a per-iteration mean as WESTPA's w_direct, w_ipa and w_fluxanl compute them
 * (westpa.mclib.mcbs_ci_correl with the mean as estimator and block means as subsamples), so that intervals and
 * correlation lengths here are comparable with theirs:
 *
 * 1. corr_len: Huber & Kim's test (Biophys. J. 70:97, 1996) applied, as mclib does, to the running estimate
 *    (the mean of the first k values, k = 1 … n): the smallest lag k whose sample autocorrelation lies inside the
 *    (1 − acalpha) band of the autocorrelations of synthetic data sets resampled without time order, minus one.
 *    When no lag below n/2 qualifies, corr_len = n and the series is too correlated to bootstrap: the interval is
 *    then the range of the running estimate, as mclib reports it, with a note saying so.
 * 2. The series is cut into ⌊n / (corr_len + 1)⌋ consecutive blocks (a trailing remainder is left out, as mclib
 *    does, also from `expected`), each replaced by its mean.
 * 3. nsets bootstrap resamples of those block means give the interval: the sorted means at ⌊nsets·α/2⌋ and
 *    ⌈nsets·(1 − α/2)⌉; sterr is their standard deviation.
 *
 * Random numbers come from a seeded stream, so a result is reproducible (WESTPA draws from an unseeded one).
 */
import { WeError } from '../errors.js';
import { Random } from '../random.js';

export interface McbsSettings {
  /** 0.05 for a 95% interval. */
  alpha: number;
  /** Bootstrap data sets (WESTPA's default: bootstrapSetCount(alpha)). */
  nsets: number;
  /** Significance of the autocorrelation test (WESTPA's default: alpha). */
  acAlpha: number;
  seed: number;
}

/** WESTPA's field names, so JSON from here reads like w_direct's output. */
export interface Estimate {
  expected: number;
  ci_lbound: number;
  ci_ubound: number;
  sterr: number;
  corr_len: number;
  /** Why the interval is not a bootstrap one, when it is not. */
  note?: string;
}

/** mclib.get_bssize: 10^(⌈−log10 α⌉ + 1) sets (1,000 for α = 0.05). */
export function bootstrapSetCount(alpha: number): number {
  return 10 ** (Math.ceil(-Math.log10(alpha)) + 1);
}

export function checkMcbsSettings(settings: McbsSettings): void {
  const { alpha, acAlpha, nsets } = settings;
  if (!(alpha > 0 && alpha <= 0.5)) throw new WeError(`expected a number in (0, 0.5], got ${alpha}`, '--mcbs-alpha');
  if (!(acAlpha > 0 && acAlpha <= 0.5)) throw new WeError(`expected a number in (0, 0.5], got ${acAlpha}`, '--mcbs-acalpha');
  if (!Number.isInteger(nsets) || nsets * (alpha / 2) < 1) {
    throw new WeError(`expected an integer of at least ${Math.ceil(2 / alpha)} (so that α/2 of the sets is at least one), got ${nsets}`, '--mcbs-nsets');
  }
}

function mean(values: ArrayLike<number>, from = 0, to = values.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i];
  return sum / (to - from);
}

function standardDeviation(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] - m) ** 2;
  return Math.sqrt(sum / values.length);
}

/** Sorted-position bounds of a (1 − α) interval over `count` sorted values, as mclib indexes them. */
export function intervalIndices(count: number, alpha: number): { lower: number; upper: number } {
  return { lower: Math.floor((count * alpha) / 2), upper: Math.min(count - 1, Math.ceil(count * (1 - alpha / 2))) };
}

/** A centred series with its lag-0 sum of squares, for repeated lag-k autocorrelations. */
interface Centred {
  values: Float64Array;
  norm: number;
}

function centred(values: ArrayLike<number>): Centred {
  const m = mean(values);
  const out = new Float64Array(values.length);
  let norm = 0;
  for (let i = 0; i < values.length; i++) {
    out[i] = values[i] - m;
    norm += out[i] * out[i];
  }
  return { values: out, norm };
}

/** mclib.autocorrel_elem: the lag-k sample autocorrelation, N / ((N − k)·Σd²) · Σ d_i d_{i+k}. */
function autocorrelation({ values, norm }: Centred, k: number): number {
  const n = values.length;
  let rho = 0;
  for (let i = 0; i < n - k; i++) rho += values[i] * values[i + k];
  return (rho * n) / ((n - k) * norm);
}

/** Huber & Kim's significant correlation length of `series` (mclib.mcbs_correltime); series.length when none. */
export function correlationLength(series: ArrayLike<number>, alpha: number, nsets: number, rng: Random): number {
  const n = series.length;
  const { lower, upper } = intervalIndices(nsets, alpha);
  const data = centred(series);
  const synthetic: Centred[] = [];
  const draw = new Float64Array(n);
  for (let s = 0; s < nsets; s++) {
    for (let i = 0; i < n; i++) draw[i] = series[Math.floor(rng.float() * n)];
    synthetic.push(centred(draw));
  }
  const rhos = new Float64Array(nsets);
  for (let k = 1; k < Math.floor(n / 2); k++) {
    const rho = autocorrelation(data, k);
    for (let s = 0; s < nsets; s++) rhos[s] = autocorrelation(synthetic[s], k);
    rhos.sort();
    if (rho > rhos[lower] && rho < rhos[upper]) return k - 1;
  }
  return n;
}

/** mclib.mcbs_ci with the mean: nsets resamples (with replacement) of `values`, sorted means at the α bounds. */
function bootstrapMean(values: Float64Array, alpha: number, nsets: number, rng: Random): { lower: number; upper: number; sterr: number } {
  const n = values.length;
  const means = new Float64Array(nsets);
  for (let s = 0; s < nsets; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(rng.float() * n)];
    means[s] = sum / n;
  }
  means.sort();
  const at = intervalIndices(nsets, alpha);
  return { lower: means[at.lower], upper: means[at.upper], sterr: standardDeviation(means) };
}

/** Means of consecutive blocks of `length` values; a trailing partial block is left out. */
export function blockMeans(values: ArrayLike<number>, length: number): Float64Array {
  const count = Math.floor(values.length / length);
  return Float64Array.from({ length: count }, (_, b) => mean(values, b * length, (b + 1) * length));
}

/** The mean of a per-iteration series with its (1 − α) interval, as w_direct reports a flux. */
export function mcbsMean(series: ArrayLike<number>, settings: McbsSettings, stream = 0): Estimate {
  const n = series.length;
  if (n === 0) throw new Error('mcbsMean of an empty series');
  const rng = new Random(settings.seed, stream);
  const running = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) running[i] = (sum += series[i]) / (i + 1);
  const corrLen = correlationLength(running, settings.acAlpha, bootstrapSetCount(settings.acAlpha), rng);
  if (corrLen >= n) {
    let min = Infinity;
    let max = -Infinity;
    for (const r of running) [min, max] = [Math.min(min, r), Math.max(max, r)];
    return {
      expected: running[n - 1],
      ci_lbound: min,
      ci_ubound: max,
      sterr: standardDeviation(running),
      corr_len: corrLen,
      note: `correlated over more than half the ${n} iterations: the interval is the range of the running mean, not a bootstrap (widen the window or run longer)`,
    };
  }
  const blocks = blockMeans(series, corrLen + 1);
  const { lower, upper, sterr } = bootstrapMean(blocks, settings.alpha, settings.nsets, rng);
  return { expected: mean(blocks), ci_lbound: lower, ci_ubound: upper, sterr, corr_len: corrLen };
}
