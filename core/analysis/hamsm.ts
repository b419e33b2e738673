/**
 * The second rate estimator: a history-augmented Markov state model (haMSM; Copperman & Zuckerman, JCTC 16:6763,
 * 2020) built from the run's own bin-to-bin flux. Every segment of the window is a weighted transition from the bin
 * of its first pcoord point to the bin of its last; the row-normalised flux matrix is the bins' transition matrix
 * over τ. In a recycling run every walker's history label is "last in the source" (a walker reaching a target is
 * recycled into the basis states at once), so the history-augmented model is the bin model with each target's row
 * sent back to the basis states' bins by their probabilities. Its stationary distribution gives the steady-state
 * flux into each target (Σ π_i · P(i → target) over τ): the rate per τ that WE's recycled flux only reaches once the whole ensemble has relaxed,
 * here available from the transitions alone, i.e. from windows where the direct flux is still rising.
 *
 * The model is restricted to the recurrent class of the source: bins reachable from the basis states' bins that
 * can reach a target; a transition into a target goes straight back to the basis states' bins, as recycling does,
 * so no τ is spent in the target (the flux is then 1 / MFPT, as WE's recycling gives it). Transition weight leaving that class (into bins the window never saw
 * walkers leave, e.g. reached only in its last iteration) is dropped and reported as `trimmed_weight`.
 * Intervals: block bootstrap over iterations (blocks of the direct estimate's corr_len + 1, the last one shorter,
 * so that every iteration of the estimate is resampled), rebuilding the model from each resample; sorted at
 * mclib's α indices.
 */
import { targetBins } from '../driver/recycling.js';
import { WeError } from '../errors.js';
import type { BinMapper } from '../plugins.js';
import { Random } from '../random.js';
import type { RunView } from '../run-view.js';
import { segmentBins } from './bins.js';
import type { IterationRange } from './iteration-range.js';
import { intervalIndices, type Estimate, type McbsSettings } from './mcbs.js';
import { stationaryDistribution } from './stationary.js';

export interface HamsmEstimate {
  /** Per target, the steady-state flux per τ with its interval (corr_len: the block length − 1 used). */
  rates: Estimate[];
  /** Bins in the model (the recurrent class, targets not counted). */
  states: number;
  /** Fraction of the window's transition weight left out of the model. */
  trimmed_weight: number;
  /** Bootstrap sets used (fewer than asked for when the model is large, to bound the work). */
  nsets: number;
}

/** One iteration's transitions: from-bin × nbins + to-bin, with summed weight. */
interface Transitions {
  keys: Float64Array;
  weights: Float64Array;
}

/** Bound on bootstrap work, in multiply-adds of the m³/3 solve: about a second or two. */
const SOLVE_BUDGET = 2e9;
const MIN_SETS = 100;

function assign(mapper: BinMapper, points: Float64Array, ndim: number): Uint32Array {
  const n = points.length / ndim;
  return mapper.assign({ n, ndim, points, weights: new Float64Array(n).fill(1 / Math.max(n, 1)) });
}

function iterationTransitions(view: RunView, mapper: BinMapper, n: number): Transitions {
  const from = segmentBins(view, mapper, n, 'first');
  const to = segmentBins(view, mapper, n, 'last');
  const weight = view.weights(n);
  const sums = new Map<number, number>();
  for (let i = 0; i < weight.length; i++) {
    const key = from[i] * mapper.nbins + to[i];
    sums.set(key, (sums.get(key) ?? 0) + weight[i]);
  }
  return { keys: Float64Array.from(sums.keys()), weights: Float64Array.from(sums.values()) };
}

interface Model {
  /** Per target, its steady-state flux per τ; undefined when no single steady state exists. */
  rates: Float64Array | undefined;
  states: number;
  trimmed: number;
  total: number;
}

/** Bins reachable from `seeds` along edges (from → list of to). */
function reachable(seeds: Iterable<number>, edges: Map<number, Set<number>>): Set<number> {
  const seen = new Set<number>(seeds);
  const stack = [...seen];
  while (stack.length) for (const next of edges.get(stack.pop()!) ?? []) if (!seen.has(next)) (seen.add(next), stack.push(next));
  return seen;
}

function buildModel(counts: Map<number, number>, nbins: number, targets: Int32Array, basis: Map<number, number>): Model {
  const targetIndex = new Map<number, number>();
  targets.forEach((b, t) => targetIndex.set(b, t));
  const forward = new Map<number, Set<number>>();
  const backward = new Map<number, Set<number>>();
  const edge = (edges: Map<number, Set<number>>, from: number, to: number) => (edges.get(from) ?? edges.set(from, new Set()).get(from)!).add(to);
  let total = 0;
  for (const [key, w] of counts) {
    total += w;
    const from = Math.floor(key / nbins);
    const to = key - from * nbins;
    if (targetIndex.has(from) || w <= 0) continue;
    edge(forward, from, to);
    edge(backward, to, from);
  }
  // a walker reaching a target restarts at once in the basis states' bins
  for (const t of targetIndex.keys()) for (const b of basis.keys()) edge(forward, t, b);
  const fromSource = reachable(basis.keys(), forward);
  const toTargets = reachable(targetIndex.keys(), backward);
  const kept = [...fromSource].filter((b) => toTargets.has(b) && !targetIndex.has(b)).sort((x, y) => x - y);
  const index = new Map(kept.map((b, i) => [b, i]));
  const m = kept.length;
  const t = new Float64Array(m * m);
  const intoTarget = new Float64Array(m * targets.length);
  const row = new Float64Array(m);
  let trimmed = 0;
  for (const [key, w] of counts) {
    const from = Math.floor(key / nbins);
    const to = key - from * nbins;
    if (targetIndex.has(from)) continue;
    const i = index.get(from);
    const target = targetIndex.get(to);
    const j = index.get(to);
    if (i === undefined || (target === undefined && j === undefined)) {
      trimmed += w;
      continue;
    }
    row[i] += w;
    if (target !== undefined) {
      intoTarget[i * targets.length + target] += w;
      for (const [b, p] of basis) if (index.has(b)) t[i * m + index.get(b)!] += w * p;
    } else {
      t[i * m + j!] += w;
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) t[i * m + j] /= row[i];
    for (let k = 0; k < targets.length; k++) intoTarget[i * targets.length + k] /= row[i];
  }
  if (m === 0 || ![...basis.keys()].some((b) => index.has(b))) return { rates: Float64Array.from(targets, () => 0), states: m, trimmed, total };
  const pi = stationaryDistribution(t, m);
  if (!pi) return { rates: undefined, states: m, trimmed, total };
  const rates = new Float64Array(targets.length);
  for (let i = 0; i < m; i++) for (let k = 0; k < targets.length; k++) rates[k] += pi[i] * intoTarget[i * targets.length + k];
  return { rates, states: m, trimmed, total };
}

function addInto(counts: Map<number, number>, { keys, weights }: Transitions): void {
  for (let k = 0; k < keys.length; k++) counts.set(keys[k], (counts.get(keys[k]) ?? 0) + weights[k]);
}

/** The bins of the basis states' points, with the basis states' probabilities summed per bin. */
function basisBins(view: RunView, mapper: BinMapper): Map<number, number> {
  const { ndim } = view.pcoord;
  const points = new Float64Array(view.basisStates.length * ndim);
  view.basisStates.forEach((b, i) => {
    if (!b.pcoord || b.pcoord.length !== ndim) throw new WeError(`basis state '${b.label}' has no pcoord in the file`, view.source);
    points.set(b.pcoord.map((x) => (view.pcoord.dtype === 'float32' ? Math.fround(x) : x)), i * ndim);
  });
  const bins = assign(mapper, points, ndim);
  const out = new Map<number, number>();
  view.basisStates.forEach((b, i) => out.set(bins[i], (out.get(bins[i]) ?? 0) + b.probability));
  return out;
}

export function hamsmRates(view: RunView, mapper: BinMapper, { first, last }: IterationRange, settings: McbsSettings, blockLength: number): HamsmEstimate {
  const targets = targetBins(mapper, [...view.targetStates]);
  const basis = basisBins(view, mapper);
  const perIteration: Transitions[] = [];
  for (let n = first; n <= last; n++) perIteration.push(iterationTransitions(view, mapper, n));
  const all = new Map<number, number>();
  perIteration.forEach((t) => addInto(all, t));
  const full = buildModel(all, mapper.nbins, targets, basis);
  if (!full.rates) {
    throw new WeError(`the haMSM of iterations ${first} to ${last} has no single steady state (its bins split into separate closed sets)`, view.source);
  }
  // Every iteration of the estimate is in a block, the last one shorter if need be: a trailing partial block left
  // out (as mclib does for the direct mean) would leave its arrivals out of every resample, and with few arrivals
  // the interval could then exclude the estimate. The model's rate does not depend on how many iterations it sums.
  const blocks: Map<number, number>[] = [];
  for (let start = 0; start < perIteration.length; start += blockLength) {
    const counts = new Map<number, number>();
    for (let k = start; k < Math.min(start + blockLength, perIteration.length); k++) addInto(counts, perIteration[k]);
    blocks.push(counts);
  }
  const nsets = Math.max(MIN_SETS, Math.min(settings.nsets, Math.floor(SOLVE_BUDGET / Math.max(1, full.states ** 3 / 3))));
  const samples = Array.from(targets, () => new Float64Array(nsets));
  const rng = new Random(settings.seed, 0x4a5d);
  let failed = 0;
  for (let s = 0; s < nsets; s++) {
    const counts = new Map<number, number>();
    for (let k = 0; k < blocks.length; k++) for (const [key, w] of blocks[Math.floor(rng.float() * blocks.length)]) counts.set(key, (counts.get(key) ?? 0) + w);
    const model = buildModel(counts, mapper.nbins, targets, basis);
    if (!model.rates) failed++;
    samples.forEach((sample, t) => (sample[s] = model.rates ? model.rates[t] : NaN));
  }
  const at = intervalIndices(nsets - failed, settings.alpha);
  const rates = samples.map((sample, t) => {
    const finite = sample.filter(Number.isFinite).sort();
    const mean = finite.reduce((a, x) => a + x, 0) / finite.length;
    const sterr = Math.sqrt(finite.reduce((a, x) => a + (x - mean) ** 2, 0) / finite.length);
    const expected = full.rates![t];
    if (blocks.length < 2 || finite.length === 0) {
      const why = blocks.length < 2 ? `only ${blocks.length} block(s) of ${blockLength} iterations` : 'no resampled model had a single steady state';
      return { expected, ci_lbound: NaN, ci_ubound: NaN, sterr: NaN, corr_len: blockLength - 1, note: `${why}: no interval` };
    }
    const estimate: Estimate = { expected, ci_lbound: finite[at.lower], ci_ubound: finite[at.upper], sterr, corr_len: blockLength - 1 };
    if (failed > 0) estimate.note = `${failed} of ${nsets} resampled models had no single steady state and were left out`;
    return estimate;
  });
  return { rates, states: full.states, trimmed_weight: full.total > 0 ? full.trimmed / full.total : 0, nsets };
}
