/**
 * A journal made from the store, for when none matches it: the journal files were lost or damaged, `we truncate`
 * cut the store back, or another program (WESTPA) wrote it. The store holds everything the journal does but the
 * last completed iteration's full record, which only serves to redo an interrupted commit: a store at the
 * journal's iteration has none to redo.
 */
import type { StoredRun } from '../plugins.js';
import { WeError } from '../errors.js';
import type { RunContext } from './run-context.js';
import { writeJournal, type IterationSummary, type Journal } from './journal.js';
import { checkStoredRun } from './stored-run-checks.js';

/** How the rebuild is told to the user (stderr in the CLI), once. */
export type Warn = (message: string) => void;

/**
 * A journal for the store's `iteration`. `old`, a journal this one replaces, keeps its history and basis-state
 * points (exact as the run computed them); without one they come from the store, and the user is told.
 */
export async function rebuildJournal(ctx: RunContext, iteration: number, old: Journal | undefined, warn: Warn): Promise<Journal> {
  const storePath = ctx.config.store.path;
  let stored: StoredRun;
  try {
    stored = await ctx.store.readRun(iteration);
  } catch (error) {
    if (!(error instanceof WeError)) throw error;
    throw new WeError(`cannot continue from iteration ${iteration}: ${error.message}`, ctx.journalFile);
  }
  checkStoredRun(ctx, stored);
  const { prepared } = stored;
  const ndim = ctx.config.pcoord.ndim;
  const bins = ctx.mapper.assign({ n: prepared.n, ndim, points: prepared.initialPoints, weights: prepared.weight });
  const journal: Journal = {
    iteration,
    binhash: ctx.binhash,
    prepared,
    occupiedBins: new Set(bins).size,
    istateCount: stored.istateCount,
    basisStatePoints: old?.basisStatePoints ?? Float64Array.from(stored.basisStates.flatMap((b) => b.pcoord ?? [])),
    history: old ? old.history.filter((h) => h.iteration < iteration) : stored.history.map((h, k) => summaryOf(k + 1, h)),
  };
  writeJournal(ctx.journalFile, journal);
  if (!old) {
    warn(
      stored.binhash === undefined
        ? `continuing ${storePath}, written by another program (WESTPA), from its iteration ${iteration}: the configuration matches it; ` +
            `from here on we propagates and resamples, with random numbers from we.yaml's seed (WESTPA's random state is not in the file)`
        : `rebuilt the journal (${ctx.journalFile}.0, .1) from ${storePath} at iteration ${iteration}; random numbers come from streams keyed ` +
            'by seed, iteration and segment, so the run continues exactly as it would have',
    );
    for (const note of stored.notes) warn(note);
  }
  return journal;
}

function summaryOf(iteration: number, { summary, flux }: StoredRun['history'][number]): IterationSummary {
  return {
    iteration,
    nWalkers: summary.nParticles,
    totalWeight: summary.norm,
    minWeight: summary.minSegProb,
    maxWeight: summary.maxSegProb,
    flux: Array.from(flux),
    walltime: summary.walltime,
  };
}
