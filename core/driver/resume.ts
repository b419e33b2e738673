/**
 * Bringing the journal and the store level before running. The journal is written first, so the store can
 * only be behind it by one interrupted commit (redone here), ahead of it after an interrupted `we truncate`
 * (finished here), or changed by another tool such as WESTPA's w_truncate (the journal is rebuilt from it).
 */
import type { RunContext } from './run-context.js';
import { readJournal, writeJournal, type Journal } from './journal.js';
import { WeError } from '../errors.js';
import { basisStatePoints } from './initialize.js';

export async function resumeRun(ctx: RunContext): Promise<Journal> {
  const storeIteration = await ctx.store.currentIteration();
  const journal = readJournal(ctx.journalFile);
  if (journal && journal.binhash !== ctx.binhash) {
    throw new WeError(
      `the bins in ${ctx.config.file} differ from those this run was started with (binhash ${journal.binhash.slice(0, 12)}…); restore them or start anew with \`we init --force\``,
      ctx.journalFile,
    );
  }
  if (journal && journal.iteration === storeIteration) return journal;
  if (journal && journal.iteration === storeIteration + 1 && journal.lastRecord) {
    await ctx.store.commit(
      { ...journal.lastRecord, next: journal.prepared },
      journal.binhash,
    );
    return journal;
  }
  if (journal && journal.iteration < storeIteration) {
    // An interrupted `we truncate`: it writes the journal before cutting the store.
    await ctx.store.truncate(journal.iteration);
    return journal;
  }
  return rebuildJournal(ctx, storeIteration, journal);
}

/** A journal for the store's current iteration, keeping what history the old journal has for earlier ones. */
export async function rebuildJournal(ctx: RunContext, iteration: number, old?: Journal): Promise<Journal> {
  const prepared = await ctx.store.readPrepared(iteration);
  // Without a journal only a run interrupted right after `we init` can be taken up: all its states are new.
  if (!old && iteration !== 1) {
    throw new WeError(
      `west.h5 is at iteration ${iteration} but its journal ${ctx.journalFile} is missing; it cannot be resumed without it`,
      ctx.config.store.path,
    );
  }
  const ndim = ctx.config.pcoord.ndim;
  const bins = ctx.mapper.assign({ n: prepared.n, ndim, points: prepared.initialPoints, weights: prepared.weight });
  const journal: Journal = {
    iteration,
    binhash: ctx.binhash,
    prepared,
    occupiedBins: new Set(bins).size,
    istateCount: await ctx.store.countIstates(iteration),
    // Only a run interrupted right after `we init` has no journal to take them from.
    basisStatePoints: old?.basisStatePoints ?? (await basisStatePoints(ctx)),
    history: (old?.history ?? []).filter((h) => h.iteration < iteration),
  };
  writeJournal(ctx.journalFile, journal);
  return journal;
}
