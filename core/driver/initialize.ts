/**
 * `we init`: basis states -> their progress coordinates -> one initial state each -> binned and split to the
 * target counts -> iteration 1 prepared in the store, and the journal that `we run` resumes from.
 */
import type { RunContext } from './run-context.js';
import type { InitialState } from '../types.js';
import { IstateStatus, IstateType } from '../types.js';
import { Random, Stream } from '../random.js';
import { WeError } from '../errors.js';
import { weStep } from './we-step.js';
import { roundToDtype } from './pcoord-rounding.js';
import { writeJournal, type Journal } from './journal.js';
import { writeStatus } from './status.js';

/** Progress coordinate of every basis state: inline in we.yaml, or computed by the propagator (get_pcoord) as a work-manager task. */
export async function basisStatePoints(ctx: RunContext): Promise<Float64Array> {
  const { basisStates, pcoord, file } = ctx.config;
  const points = new Float64Array(basisStates.length * pcoord.ndim);
  const missing = basisStates.map((b, i) => ({ b, i })).filter(({ b }) => !b.pcoord);
  basisStates.forEach((b, i) => b.pcoord && points.set(b.pcoord, i * pcoord.ndim));
  if (missing.length) {
    const workManager = await ctx.workManager();
    const [computed] = await workManager.run('basisPcoords', [{ basisStateIds: missing.map(({ i }) => i) }]);
    if (computed.pcoord.length !== missing.length * pcoord.ndim) {
      throw new WeError(`basis-state pcoords: expected ${missing.length} × ${pcoord.ndim} values, got ${computed.pcoord.length}`, file);
    }
    missing.forEach(({ i }, k) => points.set(computed.pcoord.subarray(k * pcoord.ndim, (k + 1) * pcoord.ndim), i * pcoord.ndim));
  }
  for (let k = 0; k < points.length; k++) {
    if (!Number.isFinite(points[k])) {
      const b = basisStates[Math.floor(k / pcoord.ndim)];
      throw new WeError(`basis state '${b.label}': pcoord is not finite (${points[k]})`, file);
    }
  }
  return roundToDtype(points, pcoord.dtype);
}

/**
 * `segsPerState`: walkers started from each basis state, each from an initial state of its own and carrying an
 * equal share of the basis state's probability (WESTPA's `w_init --segs-per-state`); resampling to the target
 * counts follows, as in w_init.
 */
export async function initializeRun(ctx: RunContext, force: boolean, segsPerState = 1): Promise<Journal> {
  const { config } = ctx;
  if (!Number.isInteger(segsPerState) || segsPerState < 1) {
    throw new WeError(`segments per state: expected an integer >= 1, got ${segsPerState}`);
  }
  const ndim = config.pcoord.ndim;
  const points = await basisStatePoints(ctx);
  const used = config.basisStates
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => b.probability > 0)
    .flatMap((state) => Array.from({ length: segsPerState }, () => state));
  const istates: InitialState[] = used.map(({ i }, id) => ({
    id,
    iterCreated: 1,
    iterUsed: 1,
    basisStateId: i,
    type: IstateType.basis,
    status: IstateStatus.prepared,
    pcoord: points.slice(i * ndim, (i + 1) * ndim),
  }));
  const n = istates.length;
  const walkerPoints = new Float64Array(n * ndim);
  istates.forEach((s, k) => walkerPoints.set(s.pcoord, k * ndim));
  const istateParent = Int32Array.from(istates, (s) => -(s.id + 1));
  const step = weStep({
    nextIteration: 1,
    walkers: { n, ndim, points: walkerPoints, weights: Float64Array.from(used, ({ b }) => b.probability / segsPerState) },
    parentOf: istateParent,
    wtgIdOf: istateParent,
    basisStateOf: new Int32Array(n).fill(-1),
    basisStatePoints: points,
    firstNewIstateId: n,
    mapper: ctx.mapper,
    resampler: ctx.resampler,
    targetCounts: ctx.targetCounts,
    smallestAllowedWeight: config.resampling.smallestAllowedWeight,
    largestAllowedWeight: config.resampling.largestAllowedWeight,
    rng: new Random(config.seed, 0, Stream.resample),
  });
  const first = { ...step.next, newIstates: istates };
  await ctx.store.initialize(
    {
      pcoord: config.pcoord,
      basisStates: config.basisStates.map((b, i) => ({ ...b, pcoord: Array.from(points.subarray(i * ndim, (i + 1) * ndim)) })),
      targetStates: config.targetStates,
      binhash: ctx.binhash,
      nbins: ctx.mapper.nbins,
    },
    first,
    force,
  );
  const journal: Journal = {
    iteration: 1,
    binhash: ctx.binhash,
    prepared: first,
    occupiedBins: step.occupiedBins,
    istateCount: istates.length,
    basisStatePoints: points,
    history: [],
  };
  writeJournal(ctx.journalFile, journal);
  writeStatus(ctx, journal, 'initialized');
  return journal;
}
