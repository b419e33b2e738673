/** How far the simulation has got, from we.yaml and we-status.json (never west.h5, which a run may hold). */
import { loadConfig } from '../../core/config/load.js';
import { readStatus, statusPath } from '../../core/driver/status.js';
import type { RunProgress } from './chain/plan.js';

export async function readRunProgress(configFile: string): Promise<RunProgress> {
  const config = await loadConfig(configFile);
  const { iteration } = readStatus(statusPath(config.store.path));
  return {
    complete: iteration > config.maxIterations,
    nextIteration: iteration,
    summary: `next iteration ${iteration}, max_iterations ${config.maxIterations}`,
  };
}
