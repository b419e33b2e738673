/** The tracker of a simulation's allocations, on its job store and the real SLURM commands. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ChainTracker } from './chain/tracker.js';
import { readRunProgress } from './run-progress.js';
import { Slurm } from './slurm/slurm-commands.js';
import { clusterFiles } from './simulation-files.js';
import { JobStore } from './store/job-store.js';

export function openTracker(configFile: string): ChainTracker {
  const files = clusterFiles(configFile);
  mkdirSync(dirname(files.store), { recursive: true });
  return new ChainTracker(new JobStore(files.store), new Slurm(), files, () => readRunProgress(configFile));
}
