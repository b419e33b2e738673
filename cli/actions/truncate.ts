import { openRun } from '../open-run.js';
import { WeError } from '../../core/errors.js';
import { rebuildJournal } from '../../core/driver/journal-rebuild.js';
import { intactJournal } from '../../core/driver/resume.js';
import { writeStatus } from '../../core/driver/status.js';
import { warnOnStderr } from '../warning.js';

/** As w_truncate: iterations >= n are removed and n is left prepared, so `we run` redoes it. */
export async function truncate(configPath: string, n: number, forceUnlock: boolean): Promise<void> {
  const ctx = await openRun(configPath, { forceUnlock });
  try {
    const current = await ctx.store.currentIteration();
    if (!Number.isInteger(n) || n < 1 || n > current) {
      throw new WeError(`truncate: expected an iteration between 1 and ${current} (the current one), got ${n}`, ctx.config.store.path);
    }
    // Journal first: if we are interrupted before the store is cut, `we run` finishes the cut.
    const journal = await rebuildJournal(ctx, n, intactJournal(ctx, warnOnStderr), warnOnStderr);
    await ctx.store.truncate(n);
    writeStatus(ctx, journal, 'stopped', `truncated to iteration ${n}`);
    console.log(`truncated ${ctx.config.store.path}: iteration ${n} is prepared and next to run`);
  } finally {
    await ctx.close();
  }
}
