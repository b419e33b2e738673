/**
 * `we jobs`: the simulation's SLURM allocations, brought up to date from squeue on every call (or every N
 * seconds with --watch); `we jobs cancel` stops the chain. `we jobs begin` and `we jobs end CODE` are the
 * steps the batch script runs at the start and end of each allocation.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { WeError } from '../../core/errors.js';
import { formatWallclock } from '../../core/config/wallclock.js';
import { runAllowance } from '../../plugins/cluster/allocation-time.js';
import { openTracker } from '../../plugins/cluster/open-tracker.js';
import { clusterFiles } from '../../plugins/cluster/simulation-files.js';
import { Slurm } from '../../plugins/cluster/slurm/slurm-commands.js';
import type { ChainTracker } from '../../plugins/cluster/chain/tracker.js';
import { jobsTable } from '../jobs-table.js';

export type JobsAction =
  | { kind: 'show'; json: boolean; watchSeconds?: number }
  | { kind: 'cancel' }
  | { kind: 'begin' }
  | { kind: 'end'; exitCode: number };

function jobIdFromEnvironment(action: string): string {
  const id = process.env.SLURM_JOB_ID;
  if (!id) throw new WeError(`\`we jobs ${action}\` is run by the batch script inside a job (SLURM_JOB_ID is not set)`);
  return id;
}

/** Prints how long `we run` may take, or nothing when this job is not to run it. */
async function begin(tracker: ChainTracker): Promise<void> {
  const slurmId = jobIdFromEnvironment('begin');
  const row = process.env.WE_JOB_ROW ? Number(process.env.WE_JOB_ROW) : undefined;
  const verdict = await tracker.begin(slurmId, row);
  const what = `job ${slurmId} (allocation ${verdict.job.link}, profile ${verdict.job.profile})`;
  if (!verdict.run) {
    console.error(`${what} stands down: ${verdict.reason}`);
    return;
  }
  const clock = await new Slurm().clock(slurmId);
  const allowed = runAllowance(clock, verdict.chain.margin);
  if (allowed === undefined) {
    console.error(`${what} runs without a time limit`);
    console.log('unlimited');
    return;
  }
  console.error(
    `${what}: we run may take ${formatWallclock(allowed.seconds)} (limit ${formatWallclock(clock.limit!)}, margin ${formatWallclock(allowed.margin)})`,
  );
  console.log(formatWallclock(allowed.seconds));
}

/** Whether a chain is still active, and whether SLURM could be asked. */
async function show(tracker: ChainTracker, json: boolean): Promise<{ active: boolean; updated: boolean }> {
  let updated = true;
  try {
    await tracker.poll();
  } catch (error) {
    if (!(error instanceof WeError)) throw error;
    // slurmctld restarting or a network blip must not end a --watch; the stored state is still worth showing.
    console.error(`we: warning: the allocations could not be brought up to date (${error.message}); as last stored:`);
    updated = false;
  }
  const { chains, jobs } = tracker.snapshot();
  console.log(json ? JSON.stringify({ chains, jobs }, null, 2) : jobsTable(chains, jobs));
  return { active: chains.some((c) => c.state === 'active'), updated };
}

/** Returns the exit code: 1 when `we jobs` could not ask SLURM (the table is then as last stored). */
export async function jobs(configPath: string, action: JobsAction): Promise<number> {
  const configFile = resolve(configPath);
  if (action.kind === 'show' && !existsSync(clusterFiles(configFile).store)) {
    console.log(action.json ? JSON.stringify({ chains: [], jobs: [] }) : 'no allocations yet: submit with `we submit`');
    return 0;
  }
  const tracker = openTracker(configFile);
  try {
    switch (action.kind) {
      case 'begin':
        await begin(tracker);
        return 0;
      case 'end': {
        const job = await tracker.end(jobIdFromEnvironment('end'), action.exitCode);
        console.error(`job ${job.slurmId} (allocation ${job.link}): ${job.state}${job.reason ? `: ${job.reason}` : ''}`);
        return 0;
      }
      case 'cancel': {
        const chain = await tracker.cancel();
        console.log(`chain ${chain.id} cancelled`);
        return 0;
      }
      case 'show': {
        // --watch polls until no chain is active, so that a script can wait for the run with it.
        for (;;) {
          const { active, updated } = await show(tracker, action.json);
          if (!active || action.watchSeconds === undefined) return updated ? 0 : 1;
          await new Promise((r) => setTimeout(r, action.watchSeconds! * 1000));
          console.log('');
        }
      }
    }
  } finally {
    tracker.close();
  }
}
