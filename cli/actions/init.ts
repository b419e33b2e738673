import { openRun } from '../open-run.js';
import { initializeRun } from '../../core/driver/initialize.js';

/** `segsPerState`: walkers per basis state at iteration 1 (WESTPA's `w_init --segs-per-state`). */
export async function init(configPath: string, force: boolean, segsPerState: number, forceUnlock: boolean): Promise<void> {
  const ctx = await openRun(configPath, { forceUnlock });
  try {
    const journal = await initializeRun(ctx, force, segsPerState);
    const p = journal.prepared;
    console.log(
      `initialised ${ctx.config.store.path}: ${ctx.config.basisStates.length} basis state(s), iteration 1 with ${p.n} walkers in ${journal.occupiedBins} bin(s)`,
    );
  } finally {
    await ctx.close();
  }
}
