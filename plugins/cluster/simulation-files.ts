/** Where a simulation keeps what `we submit` and `we jobs` write: all of it under slurm/ beside we.yaml. */
import { basename, dirname, join } from 'node:path';

export interface ClusterFiles {
  simRoot: string;
  /** The batch script every allocation of the simulation runs. */
  script: string;
  /** The job store (SQLite). */
  store: string;
  /** One output file per job, slurm/logs/<job id>.out. */
  logs: string;
  /** The SLURM job name of the simulation's jobs, as squeue shows it. */
  jobName: string;
}

export function clusterFiles(configFile: string): ClusterFiles {
  const simRoot = dirname(configFile);
  const dir = join(simRoot, 'slurm');
  return {
    simRoot,
    script: join(dir, 'job.sh'),
    store: join(dir, 'jobs.sqlite'),
    logs: join(dir, 'logs'),
    jobName: `we-${basename(simRoot)}`,
  };
}
