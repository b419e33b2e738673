/** `we jobs` as a table: the latest chain's allocations, one line per job, and a line for each earlier chain. */
import type { Chain, Job } from '../plugins/cluster/store/job-store.js';

function clock(iso: string | null): string {
  return iso ? new Date(iso).toTimeString().slice(0, 8) : '-';
}

/** Iterations the job completed: 'first-last', 'first-' while it runs. */
function iterations(job: Job): string {
  if (job.firstIteration === null) return '-';
  if (job.nextIteration === null) return job.state === 'R' ? `${job.firstIteration}-` : '-';
  return job.nextIteration > job.firstIteration ? `${job.firstIteration}-${job.nextIteration - 1}` : 'none';
}

function chainLine(chain: Chain): string {
  return `chain ${chain.id}: ${chain.state}${chain.reason ? ` (${chain.reason})` : ''}; profiles ${chain.profiles.map((p) => p.name).join(', ')}; tries ${chain.tries}`;
}

export function jobsTable(chains: readonly Chain[], jobs: readonly Job[]): string {
  const latest = chains.at(-1);
  if (!latest) return 'no allocations yet: submit with `we submit`';
  const header = ['alloc', 'profile', 'job', 'state', 'slurm', 'exit', 'iterations', 'started', 'ended', 'note'];
  const rows = jobs
    .filter((j) => j.chain === latest.id)
    .map((j) => [String(j.link), j.profile, j.slurmId ?? '-', j.state, j.slurmState ?? '-', j.exitCode === null ? '-' : String(j.exitCode), iterations(j), clock(j.started), clock(j.ended), j.reason ?? '']);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const format = (row: string[]) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [...chains.slice(0, -1).map(chainLine), chainLine(latest), format(header), ...rows.map(format)].join('\n');
}
