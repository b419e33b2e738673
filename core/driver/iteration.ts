/**
 * One iteration: propagate the prepared segments, recycle walkers that reached a target, resample, then make
 * the result durable: journal first (atomic), store second (idempotent), status last.
 */
import type { RunContext } from './run-context.js';
import type { IterationRecord, WorkManager, WorkProgress } from '../plugins.js';
import type { CompletedIteration } from '../types.js';
import { Endpoint } from '../types.js';
import { Random, Stream } from '../random.js';
import { compensatedSum, weightStats } from '../resampling/weight-checks.js';
import { FROM_BASIS_STATE, weStep } from './we-step.js';
import { findRecycled } from './recycling.js';
import { assemblePcoords, makeTasks, orderLongestFirst } from './segment-tasks.js';
import { toDtype } from './pcoord-rounding.js';
import { writeJournal, type IterationSummary, type Journal } from './journal.js';
import { faultPoint } from './fault-injection.js';

export interface IterationEvents {
  onProgress?(iteration: number, progress: WorkProgress): void;
  /** Last call before the journal and the store are written; throwing leaves both as they were. */
  beforeCommit?(): void;
}

export async function runIteration(
  ctx: RunContext,
  journal: Journal,
  workManager: WorkManager,
  events: IterationEvents,
  signal?: AbortSignal,
): Promise<Journal> {
  const started = performance.now();
  const { config, mapper } = ctx;
  const { len, ndim, dtype } = config.pcoord;
  const { prepared, basisStatePoints } = journal;
  const n = prepared.n;
  const N = prepared.iteration;

  const batchSize = Math.min(ctx.simulation.batchSize, workManager.maxBatchSize ?? Infinity);
  const previous = journal.lastRecord?.completed;
  const tasks = orderLongestFirst(
    makeTasks(prepared, ndim, batchSize, config.basisStates),
    previous?.iteration === N - 1 ? previous.walltime : undefined,
  );
  const results = await workManager.run('propagate', tasks, (p) => events.onProgress?.(N, p), signal);
  const pcoord = toDtype(assemblePcoords(prepared, results, config.pcoord), dtype);
  const cputime = new Float64Array(n);
  const walltime = new Float64Array(n);
  for (const r of results) {
    r.segIds.forEach((seg, k) => {
      cputime[seg] = r.cputime[k];
      walltime[seg] = r.walltime[k];
    });
  }

  faultPoint('propagated', N);
  const finalPoints = new Float64Array(n * ndim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < ndim; d++) finalPoints[i * ndim + d] = pcoord[(i * len + len - 1) * ndim + d];
  }
  const walkers = { n, ndim, points: finalPoints, weights: prepared.weight };
  const recycling = findRecycled(
    walkers,
    mapper.assign(walkers),
    ctx.targetBins,
    config.basisStates,
    new Random(config.seed, N, Stream.recycle),
  );

  const points = finalPoints.slice();
  const parentOf = new Int32Array(n);
  const wtgIdOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    wtgIdOf[i] = i;
    const b = recycling.basisStateOf[i];
    if (b >= 0) {
      parentOf[i] = FROM_BASIS_STATE;
      points.set(basisStatePoints.subarray(b * ndim, (b + 1) * ndim), i * ndim);
    } else {
      parentOf[i] = i;
    }
  }
  const step = weStep({
    nextIteration: N + 1,
    walkers: { n, ndim, points, weights: prepared.weight },
    parentOf,
    wtgIdOf,
    basisStateOf: recycling.basisStateOf,
    basisStatePoints,
    firstNewIstateId: journal.istateCount,
    mapper,
    resampler: ctx.resampler,
    targetCounts: ctx.targetCounts,
    smallestAllowedWeight: config.resampling.smallestAllowedWeight,
    largestAllowedWeight: config.resampling.largestAllowedWeight,
    rng: new Random(config.seed, N, Stream.resample),
  });

  faultPoint('resampled', N);
  const endpointType = new Uint8Array(n);
  for (let i = 0; i < n; i++) endpointType[i] = recycling.targetOf[i] >= 0 ? Endpoint.recycled : step.fate[i];
  const iterationSeconds = (performance.now() - started) / 1000;
  const completed: CompletedIteration = {
    iteration: N,
    pcoord,
    cputime,
    walltime,
    endpointType,
    targetFlux: recycling.flux,
    recycling: { target: recycling.targetOf, basisState: recycling.basisStateOf, istate: step.istateOfInput },
    minBinProb: step.minBinProb,
    maxBinProb: step.maxBinProb,
    walltimeTotal: iterationSeconds,
    cputimeTotal: compensatedSum(cputime),
    ...(results.some((r) => r.auxdata) ? { auxdata: mergeAuxdata(results, n) } : {}),
  };
  const next: Journal = {
    iteration: N + 1,
    binhash: ctx.binhash,
    prepared: step.next,
    occupiedBins: step.occupiedBins,
    istateCount: journal.istateCount + step.next.newIstates.length,
    basisStatePoints,
    history: journal.history.concat(summarise(N, prepared.weight, recycling.flux, iterationSeconds)),
    lastRecord: { prepared, completed },
  };
  events.beforeCommit?.();
  const record: IterationRecord = { prepared, completed, next: step.next };
  // Neither is written unless both fit: a full disk stops the run here with nothing half written.
  const storeNeed = ctx.store.spaceNeeded?.(record);
  writeJournal(ctx.journalFile, next, storeNeed ? [storeNeed] : []);
  faultPoint('journaled', N);
  await ctx.store.commit(record, ctx.binhash);
  faultPoint('committed', N);
  return next;
}

function summarise(iteration: number, weights: Float64Array, flux: Float64Array, walltime: number): IterationSummary {
  const { total, min, max } = weightStats(weights);
  return {
    iteration,
    nWalkers: weights.length,
    totalWeight: total,
    minWeight: min,
    maxWeight: max,
    flux: Array.from(flux),
    walltime,
  };
}

/** Segment results carry auxdata per task; west.h5 wants one n × ... array per dataset. */
function mergeAuxdata(results: { segIds: Int32Array; auxdata?: CompletedIteration['auxdata'] }[], n: number) {
  const merged: NonNullable<CompletedIteration['auxdata']> = {};
  for (const r of results) {
    for (const [name, { data, shape }] of Object.entries(r.auxdata ?? {})) {
      const perSegment = shape.slice(1).reduce((a, b) => a * b, 1);
      const target = (merged[name] ??= { data: new Float64Array(n * perSegment), shape: [n, ...shape.slice(1)] });
      r.segIds.forEach((seg, k) => target.data.set(data.subarray(k * perSegment, (k + 1) * perSegment), seg * perSegment));
    }
  }
  return merged;
}
