/**
 * Bringing the journal and the store level before running. The journal is written first, so the store can
 * only be behind it by one interrupted commit (redone here), ahead of it after an interrupted `we truncate`
 * (finished here), or changed by another tool such as WESTPA's w_truncate (the journal is rebuilt from it).
 * A journal lost or damaged, or a west.h5 WESTPA wrote, is rebuilt from the store.
 */
import type { RunContext } from './run-context.js';
import { readJournal, type Journal } from './journal.js';
import { WeError } from '../errors.js';
import { rebuildJournal, type Warn } from './journal-rebuild.js';

export async function resumeRun(ctx: RunContext, warn: Warn): Promise<Journal> {
  const storeIteration = await ctx.store.currentIteration();
  const journal = intactJournal(ctx, warn);
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
  return rebuildJournal(ctx, storeIteration, journal, warn);
}

/** The journal; none when both of its slots are damaged (the store is then what the run continues from). */
export function intactJournal(ctx: RunContext, warn: Warn): Journal | undefined {
  try {
    return readJournal(ctx.journalFile);
  } catch (error) {
    if (!(error instanceof WeError)) throw error;
    warn(error.message);
    return undefined;
  }
}
